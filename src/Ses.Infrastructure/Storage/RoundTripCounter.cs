using Azure.Core;
using Azure.Core.Pipeline;

namespace Ses.Infrastructure.Storage;

/// <summary>
/// Counts the HTTP requests the storage clients send, retries included: the machine-independent cost of an operation
/// (issue 9 budgets them: a referral, an event, a fired deadline with its email). Tests and benchmarks read it.
/// </summary>
public sealed class RoundTripCounter : HttpPipelinePolicy
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _count);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _count);
        return ProcessNextAsync(message, pipeline);
    }
}
