using System.Text.RegularExpressions;
using HealthServerless.Core.Common;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Dispensing;

/// <summary>
/// The partner pharmacies (seeded from <see cref="DispensingOptions.Pharmacies"/>, written by
/// administrators) and their stock feeds, and the choice of candidates for a prescription.
/// A city has hundreds of partner pharmacies, not millions: the directory is one partition.
/// </summary>
public sealed partial class PharmacyDirectory(IDocumentStore store, IOptions<DispensingOptions> options, TimeProvider time)
{
    /// <summary>Upper-case letters and digits: the id is also a queue name and a Service Bus filter value.</summary>
    public static bool IsPharmacyId(string? id) => id is not null && IdPattern().IsMatch(id);

    public async Task<IReadOnlyList<PharmacyRecord>> ListAsync(string? district = null, CancellationToken cancellationToken = default)
    {
        var stored = await store.QueryAsync<PharmacyRecord>(DispensingContainers.Pharmacies, DispensingContainers.DirectoryPartition, PartitionQuery.All, cancellationToken);
        var all = options.Value.Pharmacies.ToDictionary(p => p.Id, StringComparer.Ordinal);
        foreach (var entry in stored)
        {
            all[entry.Value.Id] = entry.Value;
        }

        return [.. all.Values.Where(p => district is null || p.District == district).OrderBy(p => p.Id, StringComparer.Ordinal)];
    }

    public async Task<PharmacyRecord?> FindAsync(string pharmacyId, CancellationToken cancellationToken = default) =>
        (await ListAsync(cancellationToken: cancellationToken)).FirstOrDefault(p => p.Id == pharmacyId);

    public async Task<PharmacyRecord> RequireAsync(string pharmacyId, CancellationToken cancellationToken = default) =>
        await FindAsync(pharmacyId, cancellationToken) ?? throw DomainException.NotFound("pharmacy-not-found", "No partner pharmacy has this id.");

    public async Task<PharmacyRecord> SaveAsync(Caller caller, PharmacyRecord pharmacy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(pharmacy);
        caller.RequireRole(Roles.Admin);
        if (!IsPharmacyId(pharmacy.Id))
        {
            throw DomainException.Validation("pharmacy-id-invalid", "A pharmacy id is 2 to 32 upper-case letters and digits.", "id", "Use upper-case letters and digits.");
        }

        await store.UpdateAsync<PharmacyRecord>(DispensingContainers.Pharmacies, DispensingContainers.DirectoryPartition, pharmacy.Id,
            _ => pharmacy, () => pharmacy, cancellationToken);
        return pharmacy;
    }

    /// <summary>A partner's stock feed replaces what it said before; only the pharmacy itself sends it.</summary>
    public async Task<StockRecord> ReportStockAsync(Caller caller, IReadOnlyList<StockLevel> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(items);
        var pharmacy = await RequireAsync(caller.RequireRole(Roles.Pharmacy).PharmacyId ?? throw DomainException.Forbidden("pharmacy-scope", "The token names no pharmacy."), cancellationToken);
        var duplicate = items.GroupBy(i => i.DrugCode, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw DomainException.Validation("stock-duplicate-drug", "Each drug appears once in a stock feed.", "items", $"{duplicate.Key} appears more than once.");
        }

        var record = new StockRecord(pharmacy.Id, items, time.GetUtcNow());
        await store.UpdateAsync<StockRecord>(DispensingContainers.Stock, pharmacy.Id, DispensingContainers.StockId, _ => record, () => record, cancellationToken);
        return record;
    }

    /// <summary>
    /// The pharmacies to offer a choice to, best first, leaving out <paramref name="exclude"/>: the
    /// named one; or designated (and, for delivery, delivering) pharmacies open now with every
    /// line in stock, nearest first.
    /// </summary>
    public async Task<IReadOnlyList<PharmacyRecord>> CandidatesAsync(PharmacyChoice choice, ReleasedPrescription prescription, IReadOnlySet<string> exclude, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(prescription);
        ArgumentNullException.ThrowIfNull(exclude);
        var all = await ListAsync(cancellationToken: cancellationToken);
        if (choice.Kind == ChoiceKind.Pharmacy)
        {
            return [.. all.Where(p => p.Id == choice.PharmacyId && !exclude.Contains(p.Id))];
        }

        var now = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), BusinessTime.Zone).DateTime);
        var eligible = all.Where(p => p.InsuranceDesignated && (choice.Kind != ChoiceKind.HomeDelivery || p.Delivers) && !exclude.Contains(p.Id) && IsOpen(p, now)).ToList();
        var stocked = new List<PharmacyRecord>();
        foreach (var pharmacy in eligible)
        {
            var stock = await store.ReadAsync<StockRecord>(DispensingContainers.Stock, pharmacy.Id, DispensingContainers.StockId, cancellationToken);
            if (stock is not null && prescription.Lines.All(line => stock.Value.Items.Any(i => i.DrugCode == line.DrugCode && i.Quantity >= line.Quantity)))
            {
                stocked.Add(pharmacy);
            }
        }

        return [.. stocked.OrderBy(p => DistanceKm(choice.Latitude ?? 0, choice.Longitude ?? 0, p.Latitude, p.Longitude)).ThenBy(p => p.Id, StringComparer.Ordinal)];
    }

    /// <summary>Opening hours within one day, or across midnight when a pharmacy closes earlier than it opens.</summary>
    public static bool IsOpen(PharmacyRecord pharmacy, TimeOnly at)
    {
        ArgumentNullException.ThrowIfNull(pharmacy);
        return pharmacy.Opens == pharmacy.Closes
            || (pharmacy.Opens < pharmacy.Closes ? at >= pharmacy.Opens && at < pharmacy.Closes : at >= pharmacy.Opens || at < pharmacy.Closes);
    }

    /// <summary>Great-circle distance (haversine), good enough to rank pharmacies within a city.</summary>
    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        static double Rad(double degrees) => degrees * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 6371 * 2 * Math.Atan2(Math.Sqrt(a), Math.Sqrt(1 - a));
    }

    [GeneratedRegex("^[A-Z0-9]{2,32}$")]
    private static partial Regex IdPattern();
}
