using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Alerts;

/// <summary>
/// A CDC official's answers (docs/alerts.md, "Lifecycle"): acknowledge, verify as a suspected
/// event or excluded, or close — each one conditional write of the alert, recording who and when,
/// each by an official whose jurisdiction covers the alert's district. Verifying or closing an
/// alert that was never acknowledged acknowledges it at the same moment. The same answer again
/// returns the alert as it is (and publishes its event again, under the same id).
/// </summary>
public sealed class AlertResponses(IDocumentStore store, AlertRegistry registry, AlertEvents events, TimeProvider time)
{
    public Task<AlertRecord> AcknowledgeAsync(Caller caller, string alertId, string? note, CancellationToken cancellationToken = default) =>
        AnswerAsync(caller, alertId, AlertStatus.Acknowledged, (alert, step) => alert.Status switch
        {
            AlertStatus.Open => alert with { Status = AlertStatus.Acknowledged, Acknowledged = step },
            AlertStatus.Acknowledged => null,
            _ => throw DomainException.Conflict("alert-finished", "The alert was verified or closed already."),
        }, note, cancellationToken);

    public Task<AlertRecord> VerifyAsync(Caller caller, string alertId, AlertVerification verification, string? note, CancellationToken cancellationToken = default) =>
        AnswerAsync(caller, alertId, AlertStatus.Verified, (alert, step) => alert.Status switch
        {
            AlertStatus.Open or AlertStatus.Acknowledged => alert with
            {
                Status = AlertStatus.Verified, Verified = step, Verification = verification, Acknowledged = alert.Acknowledged ?? step,
            },
            AlertStatus.Verified when alert.Verification == verification => null,
            _ => throw DomainException.Conflict("alert-finished", "The alert was verified or closed already."),
        }, note, cancellationToken);

    public Task<AlertRecord> CloseAsync(Caller caller, string alertId, string? note, CancellationToken cancellationToken = default) =>
        AnswerAsync(caller, alertId, AlertStatus.Closed, (alert, step) => alert.Status switch
        {
            AlertStatus.Open or AlertStatus.Acknowledged => alert with { Status = AlertStatus.Closed, Closed = step, Acknowledged = alert.Acknowledged ?? step },
            AlertStatus.Closed => null,
            _ => throw DomainException.Conflict("alert-finished", "The alert was verified already."),
        }, note, cancellationToken);

    private async Task<AlertRecord> AnswerAsync(
        Caller caller, string alertId, AlertStatus target, Func<AlertRecord, AlertStep, AlertRecord?> answer, string? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var found = await registry.FindAsync(alertId, cancellationToken) ?? throw DomainException.NotFound("alert-not-found", "No such alert.");
        Jurisdictions.Require(caller.RequireRole(Roles.Cdc, Roles.Admin), found.Value.District);
        var now = time.GetUtcNow();
        var step = new AlertStep(caller.Subject, now, string.IsNullOrWhiteSpace(note) ? null : note.Trim());
        var updated = await store.UpdateAsync<AlertRecord>(AlertContainers.Alerts, found.Value.District, alertId,
            alert => answer(alert, step)?.Logged(now, caller.Subject, target.ToString().ToLowerInvariant()), cancellationToken: cancellationToken);
        if (!updated.IsOpen)
        {
            // Verified or closed: the district and series may open a new alert.
            var claimId = AlertContainers.OpenClaimId(updated.SeriesKind, updated.SeriesCode);
            var claim = await store.ReadAsync<AlertOpenClaim>(AlertContainers.Index, updated.District, claimId, cancellationToken);
            if (claim is not null && claim.Value.AlertId == alertId)
            {
                await store.DeleteAsync(AlertContainers.Index, updated.District, claimId, claim.ETag, cancellationToken);
            }
        }

        await events.AnsweredAsync(updated, cancellationToken);
        return updated;
    }
}
