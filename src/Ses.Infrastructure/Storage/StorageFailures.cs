using Azure;

namespace Ses.Infrastructure.Storage;

/// <summary>Tells "storage cannot be reached now" (retry later, answer 503) from every other failure.</summary>
public static class StorageFailures
{
    public static bool IsUnreachable(Exception ex) => ex switch
    {
        RequestFailedException { Status: 0 or 408 or >= 500 } => true,
        HttpRequestException => true,
        TimeoutException => true,
        AggregateException agg => agg.InnerExceptions.Any(IsUnreachable),
        TaskCanceledException { InnerException: TimeoutException } => true,
        _ => ex.InnerException is { } inner && IsUnreachable(inner),
    };
}
