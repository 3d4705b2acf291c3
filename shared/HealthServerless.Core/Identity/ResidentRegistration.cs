using System.Security.Cryptography;
using System.Text.RegularExpressions;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Identity;

public sealed record RegisterResident(
    string Name,
    string ResidentIdNumber,
    string Mobile,
    Relationship Relationship,
    IReadOnlyList<SupplementaryDocument>? Documents);

public sealed record SupplementaryDocument(SupplementaryDocumentType Type, string Number);

/// <summary>What a citizen sees of a health code: never the full ID number.</summary>
public sealed record HealthCodeView(string CodeId, string Name, string IdNumberMasked, Relationship Relationship);

/// <summary>
/// Registers residents (one person, one code) and the family members a citizen acts for.
/// Every step is one conditional write of one document, so a retry or a concurrent duplicate
/// finds what the first attempt made.
/// </summary>
public sealed partial class ResidentRegistration(IDocumentStore store, IdentityKeyRing keys, TimeProvider time)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public async Task<HealthCodeView> RegisterAsync(Caller caller, RegisterResident request, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Citizen);
        var residentId = Validate(request);
        var residentKey = keys.LookupHash(residentId);

        var account = await store.ReadAsync<AccountRecord>(IdentityContainers.Accounts, caller.Subject, "account", cancellationToken);
        if (account?.Value is { } existing)
        {
            CheckAccountRoom(existing, request.Relationship);
        }

        var resident = await CreateOrFindResidentAsync(caller, request, residentId, residentKey, cancellationToken);
        if (resident.RegisteredBy != caller.Subject)
        {
            // One person, one code: the code exists and belongs to another account. Say so without revealing it.
            throw DomainException.Conflict("resident-registered-elsewhere", "This resident is already registered by another account.");
        }

        await store.CreateAsync(
            IdentityContainers.HealthCodes, resident.CodeId, "code",
            new HealthCodeRecord(resident.CodeId, residentKey, resident.Name, resident.IdNumberMasked, caller.Subject, resident.RegisteredAt, residentId.BirthDate),
            cancellationToken);

        await store.UpdateAsync(
            IdentityContainers.Accounts, caller.Subject, "account",
            current => Link(current, resident, request.Relationship),
            () => new AccountRecord(caller.Subject, null, []),
            cancellationToken);

        return new HealthCodeView(resident.CodeId, resident.Name, resident.IdNumberMasked, request.Relationship);
    }

    public async Task<IReadOnlyList<HealthCodeView>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Citizen);
        var account = await store.ReadAsync<AccountRecord>(IdentityContainers.Accounts, caller.Subject, "account", cancellationToken);
        if (account is null)
        {
            return [];
        }

        var views = new List<HealthCodeView>();
        if (account.Value.SelfCodeId is { } self && await store.ReadAsync<HealthCodeRecord>(IdentityContainers.HealthCodes, self, "code", cancellationToken) is { } code)
        {
            views.Add(new HealthCodeView(self, code.Value.Name, code.Value.IdNumberMasked, Relationship.Self));
        }

        views.AddRange(account.Value.Family.Select(m => new HealthCodeView(m.CodeId, m.Name, m.IdNumberMasked, m.Relationship)));
        return views;
    }

    /// <summary>The account of a citizen, to check they act for a code (self or family).</summary>
    public async Task RequireActsForAsync(Caller caller, string codeId, CancellationToken cancellationToken = default)
    {
        var account = await store.ReadAsync<AccountRecord>(IdentityContainers.Accounts, caller.Subject, "account", cancellationToken);
        if (account?.Value.ActsFor(codeId) != true)
        {
            throw DomainException.Forbidden("code-not-yours", "The caller does not act for this health code.");
        }
    }

    public Task<Versioned<HealthCodeRecord>?> FindCodeAsync(string codeId, CancellationToken cancellationToken = default) =>
        store.ReadAsync<HealthCodeRecord>(IdentityContainers.HealthCodes, codeId, "code", cancellationToken);

    private async Task<ResidentRecord> CreateOrFindResidentAsync(Caller caller, RegisterResident request, ResidentId residentId, string residentKey, CancellationToken cancellationToken)
    {
        var mobile = request.Mobile.Trim();
        var candidate = new ResidentRecord(
            NewCodeId(),
            request.Name.Trim(),
            keys.Encrypt(residentId.Reveal(), "resident-id"),
            residentId.Masked,
            keys.Encrypt(mobile, "mobile"),
            string.Concat(mobile.AsSpan(0, 3), "****", mobile.AsSpan(7)),
            [.. (request.Documents ?? []).Select(d => new SupplementaryDocumentRecord(d.Type, ResidentId.Mask(d.Number.Trim()), keys.LookupHash(d.Type.ToString(), d.Number.Trim().ToUpperInvariant())))],
            caller.Subject,
            time.GetUtcNow());
        var created = await store.CreateAsync(IdentityContainers.Residents, residentKey, "resident", candidate, cancellationToken);
        if (created.Succeeded)
        {
            return candidate;
        }

        return (await store.ReadAsync<ResidentRecord>(IdentityContainers.Residents, residentKey, "resident", cancellationToken))?.Value
            ?? throw new InvalidOperationException("A resident document reported as existing could not be read.");
    }

    private static void CheckAccountRoom(AccountRecord account, Relationship relationship)
    {
        if (relationship == Relationship.Self && account.SelfCodeId is not null)
        {
            return; // Re-registering oneself is idempotent; a different number is refused in Link.
        }

        if (relationship != Relationship.Self && account.Family.Count >= AccountRecord.MaxFamilyMembers)
        {
            throw DomainException.Conflict("family-limit", $"An account acts for at most {AccountRecord.MaxFamilyMembers} family members.");
        }
    }

    private static AccountRecord? Link(AccountRecord account, ResidentRecord resident, Relationship relationship)
    {
        if (account.ActsFor(resident.CodeId))
        {
            return null;
        }

        if (relationship == Relationship.Self)
        {
            return account.SelfCodeId is null
                ? account with { SelfCodeId = resident.CodeId }
                : throw DomainException.Conflict("self-already-registered", "This account is already registered to another resident.");
        }

        return account.Family.Count >= AccountRecord.MaxFamilyMembers
            ? throw DomainException.Conflict("family-limit", $"An account acts for at most {AccountRecord.MaxFamilyMembers} family members.")
            : account with { Family = [.. account.Family, new FamilyMember(resident.CodeId, relationship, resident.Name, resident.IdNumberMasked)] };
    }

    private ResidentId Validate(RegisterResident request)
    {
        var errors = new Dictionary<string, string[]>();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Shanghai).DateTime);
        if (ResidentId.Check(request.ResidentIdNumber, today) is { } problem)
        {
            errors["residentIdNumber"] = [problem switch
            {
                ResidentIdProblem.Length => "A resident ID number has 18 characters.",
                ResidentIdProblem.Characters => "Only digits, and X as the last character.",
                ResidentIdProblem.Region => "The region code is not a valid administrative region.",
                ResidentIdProblem.BirthDate => "The birth date is not a valid past date.",
                _ => "The check character does not match (GB 11643-1999).",
            }];
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 50)
        {
            errors["name"] = ["A name has 1 to 50 characters."];
        }

        if (!MobilePattern().IsMatch(request.Mobile ?? string.Empty))
        {
            errors["mobile"] = ["A mainland mobile number has 11 digits and starts with 13–19."];
        }

        for (var i = 0; i < (request.Documents?.Count ?? 0); i++)
        {
            if (!DocumentPattern().IsMatch(request.Documents![i].Number ?? string.Empty))
            {
                errors[$"documents[{i}].number"] = ["A document number has 5 to 20 letters and digits."];
            }
        }

        if (errors.Count > 0)
        {
            throw DomainException.Validation("invalid-registration", "The registration is not valid.", errors);
        }

        ResidentId.TryParse(request.ResidentIdNumber, today, out var residentId);
        return residentId!;
    }

    // Random, not derived from the ID number: a code says nothing about its holder.
    private static string NewCodeId() => "hc_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    [GeneratedRegex("^1[3-9][0-9]{9}$")]
    private static partial Regex MobilePattern();

    [GeneratedRegex("^[A-Za-z0-9]{5,20}$")]
    private static partial Regex DocumentPattern();
}
