using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Prescriptions;

namespace HealthServerless.Core.Surveillance;

/// <summary>
/// Dispensed prescriptions add to the pharmacy's sales: each closed dispensing's drugs with a
/// watch category in the drug catalogue count, by category, on the day it closed, in the
/// pharmacy's district. The report id is the prescription's and the version its version, so a
/// retried close is a duplicate. Pharmacies report over-the-counter sales only; prescriptions come from here.
/// </summary>
public sealed class DispensedSales(SurveillanceIntake intake, PharmacyDirectory pharmacies, DrugCatalogue catalogue) : IDispenseObserver
{
    public async Task DispenseClosedAsync(DispenseClosed closed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(closed);
        var watched = closed.Items
            .Select(i => (Category: catalogue.Drugs.FirstOrDefault(d => d.Code == i.DrugCode)?.WatchCategory, i.Quantity))
            .Where(i => i.Category is not null)
            .GroupBy(i => i.Category!, StringComparer.Ordinal)
            .ToList();
        if (watched.Count == 0 || await pharmacies.FindAsync(closed.PharmacyId, cancellationToken) is not { } pharmacy)
        {
            return;
        }

        var report = new IntakeReport(SourceTypes.PharmacySales, closed.PharmacyId, "rx-" + closed.PrescriptionId, closed.Version,
            [.. watched.Select(g => new ReportTarget(pharmacy.District, SeriesIds.Sales(g.Key), closed.Day, g.Sum(i => i.Quantity)))]);
        await intake.RecordAsync([report], cancellationToken);
    }
}
