using System.Globalization;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Licensing;

public sealed record AttachmentView(string Kind, string ContentType, long Size, string Sha256, DateTimeOffset UploadedAt);

public sealed record HistoryView(DateTimeOffset At, string Actor, string Action, LicensingStep? Step, string? Reason);

/// <summary>What applicants and officials see of an application.</summary>
public sealed record ApplicationView(
    string Number,
    ApplicationType Type,
    ApplicationStatus Status,
    LicensingStep? WaitingFor,
    string? WaitingForRole,
    int Seq,
    DateTimeOffset? DueAt,
    bool Escalated,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<AttachmentView> Attachments,
    IReadOnlyList<string> MissingDocuments,
    string? CertificateNumber,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<HistoryView> History)
{
    public static ApplicationView From(ApplicationRecord a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var clock = a.WaitingFor is { } step ? a.Clock(step) : null;
        return new ApplicationView(
            a.Number, a.Type, a.Status, a.WaitingFor, a.WaitingFor is { } s ? LicenceTypes.RoleFor(s, a.Escalated(s)) : null, a.Seq,
            clock?.DueAt, clock?.Escalated ?? false, a.Fields,
            [.. a.Attachments.Select(x => new AttachmentView(x.Kind, x.ContentType, x.Size, x.Sha256, x.UploadedAt))],
            a.MissingDocuments, a.CertificateNumber, a.CreatedAt, a.SubmittedAt, a.ClosedAt,
            [.. a.History.Select(h => new HistoryView(h.At, h.Actor, h.Action, h.Step, h.Reason))]);
    }
}

/// <summary>A decision as the orchestration hears it: which wait it ends (by <see cref="Seq"/>) and how.</summary>
public sealed record DecisionEvent(string Number, int Seq, LicensingStep Step, DecisionOutcome Outcome, string DecisionId);

public sealed record DecisionResult(ApplicationView Application, DecisionEvent Event, bool Replayed);

/// <summary>Reading applications: one application, the officials' work queues, the administrators' audit trail.</summary>
public sealed class ApplicationQueries(IDocumentStore store, ApplicationRecords applications)
{
    public async Task<ApplicationView> GetAsync(Caller caller, string number, CancellationToken cancellationToken = default)
    {
        var application = await applications.ReadAsync(number, cancellationToken);
        if (application.Value.ApplicantSubject != caller.Subject)
        {
            caller.RequireRole(Roles.Reviewer, Roles.Approver, Roles.Admin);
        }

        return ApplicationView.From(application.Value);
    }

    public async Task<IReadOnlyList<QueueEntryRecord>> QueueAsync(Caller caller, string role, CancellationToken cancellationToken = default)
    {
        if (role is not (Roles.Reviewer or Roles.Approver))
        {
            throw DomainException.NotFound("queue-not-found", "There are work queues for reviewers and approvers.");
        }

        caller.RequireRole(role);
        return [.. (await store.QueryAsync<QueueEntryRecord>(LicensingContainers.Queues, LicensingContainers.QueuePartition(role), PartitionQuery.All.OrderedBy("submittedAt").Take(500), cancellationToken))
            .Select(e => e.Value)];
    }

    /// <summary>The audit trail of one month (Asia/Shanghai), optionally of one application.</summary>
    public async Task<IReadOnlyList<LicensingAuditRecord>> AuditTrailAsync(Caller caller, string month, string? number, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Admin);
        if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw DomainException.Validation("invalid-query", "The query is not valid.", "month", "A month is yyyy-MM.");
        }

        var query = PartitionQuery.All.OrderedBy("at").Take(1000);
        if (!string.IsNullOrEmpty(number))
        {
            query = query.WhereEquals("number", number);
        }

        return [.. (await store.QueryAsync<LicensingAuditRecord>(LicensingContainers.Audit, month, query, cancellationToken)).Select(e => e.Value)];
    }
}
