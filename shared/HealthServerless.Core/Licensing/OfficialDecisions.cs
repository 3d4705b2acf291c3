using HealthServerless.Core.Common;

namespace HealthServerless.Core.Licensing;

/// <summary>What reviewers, inspectors and approvers do: decide the step an application waits for.</summary>
public sealed class OfficialDecisions(ApplicationRecords applications)
{
    /// <summary>
    /// A reviewer's, inspector's or approver's decision, checked against the application in the
    /// write that records it. The same decision id again returns the first outcome.
    /// </summary>
    public async Task<DecisionResult> DecideAsync(Caller caller, string number, LicensingStep step, DecisionOutcome outcome, string? reason, string decisionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (step == LicensingStep.Resubmission || outcome == DecisionOutcome.Resubmit)
        {
            throw DomainException.Validation("decision-not-allowed", "The applicant resubmits; officials decide.", "outcome", "Approve, RequestDocuments or Reject.");
        }

        if (outcome != DecisionOutcome.Approve && string.IsNullOrWhiteSpace(reason))
        {
            throw DomainException.Validation("reason-required", "A rejection or a request for documents says why.", "reason", "Required for this outcome.");
        }

        return await applications.TransitionAsync(caller, number, step, outcome, reason?.Trim(), decisionId, cancellationToken);
    }
}
