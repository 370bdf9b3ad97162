using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;

namespace Ses.Infrastructure.Storage;

/// <summary>
/// Group commit for one table partition: writes that many callers submit at about the same time go to storage together, as
/// entity group transactions of up to 100 actions, so a busy host pays one round trip for many journeys' index rows
/// instead of one each (issue 9). Each caller's actions stay all-or-nothing: when one caller's conditional action fails
/// (its ETag changed, its row is gone or already there), only that caller sees the failure and the others are submitted
/// again without it. A caller alone is written at once: nothing waits for company.
/// </summary>
public sealed class GroupCommit
{
    private const int MaxActions = 100;
    private readonly TableClient _table;
    private readonly Channel<Submission> _queue = Channel.CreateUnbounded<Submission>(new UnboundedChannelOptions { SingleReader = true });

    public GroupCommit(TableClient table)
    {
        _table = table;
        _ = Task.Run(LoopAsync);
    }

    /// <summary>
    /// Writes <paramref name="actions"/> (all in one partition) atomically with other callers' writes. Throws
    /// <see cref="RequestFailedException"/> when one of them fails (412, 404, 409), or what storage threw.
    /// </summary>
    public Task SubmitAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken ct = default)
    {
        if (actions.Count == 0) return Task.CompletedTask;
        if (actions.Count > MaxActions) throw new ArgumentException($"At most {MaxActions} actions per submission.", nameof(actions));
        var submission = new Submission(actions, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(submission)) throw new InvalidOperationException("The group commit is closed.");
        return submission.Done.Task.WaitAsync(ct);
    }

    private sealed record Submission(IReadOnlyList<TableTransactionAction> Actions, TaskCompletionSource Done);

    private async Task LoopAsync()
    {
        var carried = new List<Submission>();
        while (true)
        {
            if (carried.Count == 0)
            {
                if (!await _queue.Reader.WaitToReadAsync()) return;
            }
            var batch = new List<Submission>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var count = 0;
            bool Fits(Submission s) =>
                count + s.Actions.Count <= MaxActions && s.Actions.All(a => !keys.Contains(a.Entity.RowKey));
            void Take(Submission s)
            {
                batch.Add(s);
                count += s.Actions.Count;
                foreach (var a in s.Actions) keys.Add(a.Entity.RowKey);
            }
            // A row may appear once per transaction: a submission touching a row already in this batch waits for the next.
            var later = new List<Submission>();
            foreach (var s in carried) (Fits(s) ? (Action<Submission>)Take : later.Add)(s);
            while (count < MaxActions && _queue.Reader.TryRead(out var next)) (Fits(next) ? (Action<Submission>)Take : later.Add)(next);
            carried = later;
            await SubmitAsync(batch);
        }
    }

    private async Task SubmitAsync(List<Submission> batch)
    {
        while (batch.Count > 0)
        {
            try
            {
                await _table.SubmitTransactionAsync(batch.SelectMany(s => s.Actions), CancellationToken.None);
                foreach (var s in batch) s.Done.TrySetResult();
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex is { } index)
            {
                // Fail only the submission that owns the failed action; the rest go again without it.
                var offset = 0;
                var culprit = batch.First(s => (offset += s.Actions.Count) > index);
                culprit.Done.TrySetException(new SubmissionFailedException(ex.Status, index - (offset - culprit.Actions.Count), ex));
                batch.Remove(culprit);
            }
            catch (Exception ex)
            {
                foreach (var s in batch) s.Done.TrySetException(ex);
                return;
            }
        }
    }
}

/// <summary>One of a submission's actions failed (<see cref="ActionIndex"/>, counted in that submission): none of them was written.</summary>
public sealed class SubmissionFailedException(int status, int actionIndex, Exception inner)
    : RequestFailedException(status, $"Action {actionIndex} of the submission failed with {status}.", null, inner)
{
    public int ActionIndex { get; } = actionIndex;
}
