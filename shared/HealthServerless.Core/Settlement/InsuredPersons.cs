using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Settlement;

public sealed record InsuredPersonView(string CodeId, InsuranceScheme Scheme, long AccountBalanceFen, IReadOnlyList<YearTotals> Years, DateTimeOffset UpdatedAt);

/// <summary>
/// Enrolment in a scheme and the personal account balance per health code (the insurance centre's
/// data, entered by staff or an administrator here). Changing the scheme or balance keeps the
/// running totals and the settlements applied.
/// </summary>
public sealed class InsuredPersons(IDocumentStore store, ResidentRegistration registration, TimeProvider time)
{
    /// <param name="yearToDate">
    /// This year's totals as the insurance centre reports them (settled elsewhere before this app
    /// saw the person); null keeps the totals this app has counted.
    /// </param>
    public async Task<InsuredPersonView> EnrolAsync(
        Caller caller, string codeId, InsuranceScheme scheme, long accountBalanceFen, (long DeductibleUsedFen, long FundPaidFen)? yearToDate = null, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Staff, Roles.Admin);
        if (!Enum.IsDefined(scheme) || accountBalanceFen < 0 || yearToDate is { DeductibleUsedFen: < 0 } or { FundPaidFen: < 0 })
        {
            throw DomainException.Validation("enrolment-invalid", "A known scheme, and a balance and totals not below zero, are required.", "accountBalanceFen", "Not below zero.");
        }

        if (await registration.FindCodeAsync(codeId, cancellationToken) is null)
        {
            throw DomainException.NotFound("health-code-not-found", "No such health code.");
        }

        var now = time.GetUtcNow();
        var year = BusinessTime.Today(now).Year;
        InsuredPersonRecord Change(InsuredPersonRecord p)
        {
            var changed = p with { Scheme = scheme, AccountBalanceFen = accountBalanceFen, UpdatedBy = caller.Subject, UpdatedAt = now };
            return yearToDate is { } ytd ? changed.WithTotals(new YearTotals(scheme, year, ytd.DeductibleUsedFen, ytd.FundPaidFen)) : changed;
        }

        var record = await store.UpdateAsync<InsuredPersonRecord>(SettlementContainers.InsuredPersons, codeId, SettlementContainers.PersonId,
            Change,
            () => new InsuredPersonRecord(codeId, scheme, accountBalanceFen, [], [], caller.Subject, now), cancellationToken);
        return ToView(record);
    }

    /// <summary>The person's enrolment, for themselves (or who acts for them), staff or an administrator.</summary>
    public async Task<InsuredPersonView> GetAsync(Caller caller, string codeId, CancellationToken cancellationToken = default)
    {
        if (!caller.IsInAnyRole(Roles.Staff, Roles.Admin))
        {
            await registration.RequireActsForAsync(caller, codeId, cancellationToken);
        }

        var record = (await store.ReadAsync<InsuredPersonRecord>(SettlementContainers.InsuredPersons, codeId, SettlementContainers.PersonId, cancellationToken))?.Value
            ?? throw DomainException.NotFound("not-insured", "This health code is not enrolled in an insurance scheme.");
        return ToView(record);
    }

    private static InsuredPersonView ToView(InsuredPersonRecord r) => new(r.CodeId, r.Scheme, r.AccountBalanceFen, r.Years, r.UpdatedAt);
}
