using Polly;
using Polly.Retry;

namespace Ses.Http.Hosting;

/// <summary>
/// What the host starts in the background and must not give up on (the task hub while storage does not answer; a clock
/// move left unfinished): the attempt again, 1 s doubling to 30 s apart, for as long as the host runs. Each failure is
/// logged by its type only: no exception message reaches the logs.
/// </summary>
public static class KeepTrying
{
    public static ResiliencePipeline Pipeline(ILogger logger, string failed) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = false,
            Delay = TimeSpan.FromSeconds(1),
            MaxDelay = TimeSpan.FromSeconds(30),
            OnRetry = args =>
            {
                logger.LogWarning("{Failed} ({Error}); trying again in {Delay}.", failed, args.Outcome.Exception!.GetType().Name, args.RetryDelay);
                return default;
            },
        })
        .Build();
}
