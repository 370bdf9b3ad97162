using System.Reflection;
using System.Text.Json.Serialization;

namespace Ses.Domain.Journeys;

/// <summary>The wire names of <see cref="ReportedEvent"/> types, read from their JSON attributes so there is one list.</summary>
public static class ReportedEventTypes
{
    private static readonly IReadOnlyDictionary<Type, string> Names =
        typeof(ReportedEvent).GetCustomAttributes<JsonDerivedTypeAttribute>()
            .ToDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    public static IReadOnlyCollection<string> All { get; } = Names.Values.ToArray();

    public static string NameOf(Type type) => Names[type];

    public static string NameOf<T>() where T : ReportedEvent => Names[typeof(T)];
}
