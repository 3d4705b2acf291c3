using HealthServerless.Core.Common;

namespace HealthServerless.Core.Dispensing;

/// <summary>What a pharmacy may record as handed over: prescribed drugs, at most the prescribed quantity, no expired lot.</summary>
public static class DispenseChecks
{
    public static void Check(DispensingRecord record, IReadOnlyList<DispensedItem> items, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw DomainException.Validation("nothing-dispensed", "Record at least one item.", "items", "At least one item.");
        }

        foreach (var group in items.GroupBy(i => i.DrugCode, StringComparer.Ordinal))
        {
            var line = record.Prescription.Lines.FirstOrDefault(l => l.DrugCode == group.Key)
                ?? throw DomainException.Unprocessable("drug-not-prescribed", $"Drug {group.Key} is not on this prescription.");
            if (group.Sum(i => i.Quantity) > line.Quantity)
            {
                throw DomainException.Unprocessable("quantity-exceeds-prescription", $"More of drug {group.Key} than prescribed ({line.Quantity}).");
            }

            if (group.Any(i => i.ExpiryDate < today))
            {
                throw DomainException.Unprocessable("lot-expired", $"A lot of drug {group.Key} is past its expiry date.");
            }
        }
    }
}
