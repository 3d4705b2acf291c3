using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Licensing;

/// <summary>
/// A registry view document: only public facts (no ID or phone numbers exist in it to leak),
/// one per holder in the partition of its kind, with normalised keys for equality search.
/// </summary>
public sealed record RegistryEntryRecord(
    RegistryKind Kind,
    string HolderKey,
    string Name,
    string NameKey,
    string LicenceNumber,
    string Title,
    string Scope,
    string? InstitutionName,
    string? InstitutionKey,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    CertificateStatus Status);

public sealed record RegistryEntryView(RegistryKind Kind, string Name, string LicenceNumber, string Title, string Scope, string? InstitutionName, DateOnly ValidFrom, DateOnly ValidUntil, CertificateStatus Status);

/// <summary>
/// The public registry of institutions, physicians and nurses. Served from view documents,
/// one partition per kind, so every search is a single-partition equality query (exact name,
/// licence number or institution name, case- and space-insensitive).
/// </summary>
public sealed class PublicRegistry(IDocumentStore store)
{
    public const int MaxResults = 50;

    /// <summary>Adds or refreshes the holder's entry from their newest certificate.</summary>
    public async Task<RegistryEntryView> PublishAsync(CertificateContent certificate, CertificateStatus status, CancellationToken cancellationToken = default)
    {
        var rule = LicenceTypes.For(certificate.Type);
        var entry = new RegistryEntryRecord(
            rule.Registry, certificate.HolderKey, certificate.HolderName, Key(certificate.HolderName), certificate.Number, certificate.Title, certificate.Scope,
            certificate.InstitutionName, certificate.InstitutionName is { } i ? Key(i) : null, certificate.ValidFrom, certificate.ValidUntil, status);
        var written = await store.UpdateAsync<RegistryEntryRecord>(LicensingContainers.Registry, Partition(rule.Registry), Id(certificate.HolderKey),
            current => current == entry || (current.LicenceNumber != entry.LicenceNumber && current.ValidFrom > entry.ValidFrom) ? null : entry,
            () => entry, cancellationToken);
        return ToView(written);
    }

    /// <summary>A certificate's suspension or revocation shows in the registry at once.</summary>
    public async Task SetStatusAsync(CertificateContent certificate, CertificateStatus status, CancellationToken cancellationToken = default)
    {
        var rule = LicenceTypes.For(certificate.Type);
        var existing = await store.ReadAsync<RegistryEntryRecord>(LicensingContainers.Registry, Partition(rule.Registry), Id(certificate.HolderKey), cancellationToken);
        if (existing is null)
        {
            await PublishAsync(certificate, status, cancellationToken);
            return;
        }

        await store.UpdateAsync<RegistryEntryRecord>(LicensingContainers.Registry, Partition(rule.Registry), Id(certificate.HolderKey),
            current => current.LicenceNumber != certificate.Number || current.Status == status ? null : current with { Status = status },
            cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<RegistryEntryView>> SearchAsync(RegistryKind kind, string? name, string? licenceNumber, string? institution, CancellationToken cancellationToken = default)
    {
        var query = PartitionQuery.All;
        if (!string.IsNullOrWhiteSpace(name))
        {
            query = query.WhereEquals("nameKey", Key(name));
        }

        if (!string.IsNullOrWhiteSpace(licenceNumber))
        {
            query = query.WhereEquals("licenceNumber", licenceNumber.Trim().ToUpperInvariant());
        }

        if (!string.IsNullOrWhiteSpace(institution))
        {
            query = query.WhereEquals(kind == RegistryKind.Institution ? "nameKey" : "institutionKey", Key(institution));
        }

        if (query.Where.Count == 0)
        {
            throw DomainException.Validation("search-term-required", "Search by name, licence number or institution.", "name", "Give at least one search term.");
        }

        return [.. (await store.QueryAsync<RegistryEntryRecord>(LicensingContainers.Registry, Partition(kind), query.Take(MaxResults), cancellationToken)).Select(e => ToView(e.Value))];
    }

    /// <summary>
    /// The entry of one holder by the key the registry files it under (a physician's or nurse's
    /// qualification number, an institution's credit code), or null: what another capability
    /// reads to check a licence at the moment it matters (Prescriptions, before prescribing).
    /// </summary>
    public async Task<RegistryEntryView?> FindAsync(RegistryKind kind, string holderKey, CancellationToken cancellationToken = default) =>
        await store.ReadAsync<RegistryEntryRecord>(LicensingContainers.Registry, Partition(kind), Id(holderKey), cancellationToken) is { } entry ? ToView(entry.Value) : null;

    public static string Partition(RegistryKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Ids are lower-case hex of the holder key, so any key is a safe document id.</summary>
    private static string Id(string holderKey) => Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(holderKey.Trim().ToUpperInvariant()));

    private static string Key(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();

    private static RegistryEntryView ToView(RegistryEntryRecord r) =>
        new(r.Kind, r.Name, r.LicenceNumber, r.Title, r.Scope, r.InstitutionName, r.ValidFrom, r.ValidUntil, r.Status);
}
