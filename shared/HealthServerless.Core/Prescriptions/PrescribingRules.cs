using HealthServerless.Core.Common;

namespace HealthServerless.Core.Prescriptions;

/// <summary>One drug as the physician asks for it.</summary>
public sealed record DraftLine(string DrugCode, int Quantity, string Dosage);

/// <summary>What the physician writes (or rewrites): the drugs, the supply, long or not, and how many days it stays valid.</summary>
public sealed record PrescriptionDraft(IReadOnlyList<DraftLine> Lines, int SupplyDays, bool LongPrescription, bool AssessmentDone, int ValidityDays);

/// <summary>
/// The legal limits of an online prescription (处方管理办法, 长期处方管理规范, 互联网诊疗管理办法),
/// checked in Core with the figures from <see cref="PrescribingOptions"/>. Each refusal has a
/// stable code (docs/prescriptions.md).
/// </summary>
public static class PrescribingRules
{
    /// <summary>Checks <paramref name="draft"/> for a visit about <paramref name="condition"/> and returns the lines as priced from the catalogue.</summary>
    public static IReadOnlyList<PrescribedLine> Check(PrescriptionDraft draft, string condition, DrugCatalogue catalogue, PrescribingOptions options)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(options);
        if (draft.Lines.Count == 0)
        {
            throw DomainException.Validation("no-drugs", "A prescription names at least one drug.", "lines", "Add a drug.");
        }

        if (draft.Lines.Select(l => l.DrugCode).Distinct(StringComparer.Ordinal).Count() != draft.Lines.Count)
        {
            throw DomainException.Validation("duplicate-drug", "Each drug appears once; give the total quantity.", "lines", "A drug code appears twice.");
        }

        var drugs = draft.Lines.Select(l => catalogue.Find(l.DrugCode)).ToList();
        foreach (var drug in drugs)
        {
            // Never online, whatever the supply (互联网诊疗管理办法 art. 19).
            if (drug.Narcotic)
            {
                throw Refused("narcotic-not-online", "Narcotic drugs are not prescribed online.");
            }

            if (drug.Psychotropic is not null)
            {
                throw Refused("psychotropic-not-online", "Psychotropic drugs (class I and II) are not prescribed online.");
            }

            if (drug.Toxic)
            {
                throw Refused("toxic-not-online", "Medical toxic drugs are not prescribed online.");
            }

            if (drug.Radioactive)
            {
                throw Refused("radioactive-not-online", "Radioactive drugs are not prescribed online.");
            }
        }

        if (draft.ValidityDays < 1 || draft.ValidityDays > options.MaxValidityDays)
        {
            throw Refused("validity-too-long", $"A prescription is valid on the day of issue, extendable to at most {options.MaxValidityDays} days.");
        }

        if (draft.SupplyDays < 1)
        {
            throw DomainException.Validation("supply-days-required", "Give the days of supply.", "supplyDays", "At least one day.");
        }

        if (!draft.LongPrescription)
        {
            if (draft.SupplyDays > options.MaxSupplyDays)
            {
                throw Refused("supply-too-long", $"An ordinary prescription supplies at most {options.MaxSupplyDays} days.");
            }
        }
        else
        {
            CheckLong(draft, condition, drugs, options);
        }

        return [.. draft.Lines.Zip(drugs, (line, drug) => new PrescribedLine(drug.Code, drug.Name, drug.Strength, drug.Form, line.Quantity, drug.Unit, drug.UnitPriceFen, line.Dosage))];
    }

    /// <summary>The last instant a version written at <paramref name="writtenAt"/> may be dispensed: the end of its last valid day in Shanghai.</summary>
    public static DateTimeOffset ValidUntil(DateTimeOffset writtenAt, int validityDays) =>
        BusinessTime.ToInstant(BusinessTime.Today(writtenAt).AddDays(validityDays - 1), new TimeOnly(23, 59, 59));

    private static void CheckLong(PrescriptionDraft draft, string condition, List<Drug> drugs, PrescribingOptions options)
    {
        if (!options.IsChronic(condition))
        {
            throw Refused("condition-not-chronic", "Long prescriptions are only for the stable chronic conditions on the configured list.");
        }

        if (drugs.Any(d => d.Antimicrobial))
        {
            throw Refused("antimicrobial-not-long", "Antimicrobials are never on a long prescription.");
        }

        if (draft.SupplyDays > options.LongPrescriptionMaxDays)
        {
            throw Refused("long-prescription-too-long", $"A long prescription supplies at most {options.LongPrescriptionMaxDays} days.");
        }

        if (draft.SupplyDays > options.LongPrescriptionWithoutAssessmentMaxDays && !draft.AssessmentDone)
        {
            throw Refused("long-prescription-needs-assessment", $"A long prescription over {options.LongPrescriptionWithoutAssessmentMaxDays} days needs a recorded assessment.");
        }
    }

    private static DomainException Refused(string code, string detail) => DomainException.Unprocessable(code, detail);
}
