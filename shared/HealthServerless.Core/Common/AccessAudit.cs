using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Common;

/// <summary>
/// Reads of someone else's health data are audited: who read which
/// health code, for what, when — in the acting institution's audit trail. Never the ID number.
/// </summary>
public sealed class AccessAudit(IDocumentStore store, TimeProvider time)
{
    public async Task RecordAsync(Caller reader, string codeId, string action, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var record = new AuditRecord(action, codeId, reader.Subject, $"Health code read by {string.Join(",", reader.Roles.Order(StringComparer.Ordinal))}.", now);
        await store.CreateAsync(SharedContainers.Audit, reader.InstitutionId ?? "no-institution", $"access:{now:yyyyMMddHHmmssfff}:{Guid.NewGuid():N}", record, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecord>> ListAsync(Caller caller, string institutionId, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Admin, Roles.Staff);
        if (!caller.IsInRole(Roles.Admin))
        {
            caller.RequireInstitution(institutionId);
        }

        return [.. (await store.QueryAsync<AuditRecord>(SharedContainers.Audit, institutionId, PartitionQuery.All.OrderedBy("at", descending: true).Take(500), cancellationToken)).Select(r => r.Value)];
    }
}
