using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Common;

/// <summary>Institution audit trail: reads of someone's health code, seats released by the timer, and any capability's institution-level event.</summary>
public sealed record AuditRecord(string Action, string Subject, string Actor, string Detail, DateTimeOffset At);

/// <summary>Containers that belong to no one capability.</summary>
public static class SharedContainers
{
    /// <summary>The institution audit trail (<see cref="AuditRecord"/>), one partition per institution.</summary>
    public static StoreContainer Audit { get; } = new("audit", "institution id");

    public static IReadOnlyList<StoreContainer> All { get; } = [Audit];
}
