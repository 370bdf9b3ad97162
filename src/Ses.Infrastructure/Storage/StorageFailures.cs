using Azure;

namespace Ses.Infrastructure.Storage;

/// <summary>Tells "storage cannot be reached now" (retry later, answer 503) from every other failure.</summary>
public static class StorageFailures
{
    /// <summary>
    /// A storage call abandoned by its own timeout surfaces as a cancellation: when the caller did not cancel, that is
    /// storage not answering.
    /// </summary>
    public static bool IsUnreachable(Exception ex, CancellationToken callerToken) =>
        IsUnreachable(ex) || (!callerToken.IsCancellationRequested && IsCancellation(ex));

    private static bool IsCancellation(Exception ex) => ex switch
    {
        OperationCanceledException => true,
        AggregateException agg => agg.InnerExceptions.All(IsCancellation),
        _ => false,
    };

    public static bool IsUnreachable(Exception ex) => ex switch
    {
        RequestFailedException { Status: 0 or 408 or >= 500 } => true,
        HttpRequestException => true,
        Azure.Identity.AuthenticationFailedException => true, // no token for the storage account (managed identity)
        TimeoutException => true,
        IOException => true, // the connection broke or was cut off by a request timeout
        AggregateException agg => agg.InnerExceptions.Any(IsUnreachable),
        TaskCanceledException { InnerException: TimeoutException } => true,
        _ => ex.InnerException is { } inner && IsUnreachable(inner),
    };
}
