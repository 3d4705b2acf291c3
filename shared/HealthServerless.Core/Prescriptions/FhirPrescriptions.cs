using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Validation;

namespace HealthServerless.Core.Prescriptions;

/// <summary>
/// A released prescription as pharmacies receive it: a FHIR R4 <c>Bundle</c> (type collection)
/// of one <c>MedicationRequest</c> per drug, built, serialized and validated with Firely's SDK.
/// The patient is referred to by the health code id only; no ID number exists in a
/// prescription to put there.
/// </summary>
public static class FhirPrescriptions
{
    public const string HealthCodeSystem = "https://health.example.gov.cn/fhir/sid/health-code";
    public const string PrescriptionSystem = "https://health.example.gov.cn/fhir/sid/prescription";
    public const string PhysicianSystem = "https://health.example.gov.cn/fhir/sid/physician-qualification";
    public const string InstitutionSystem = "https://health.example.gov.cn/fhir/sid/institution";
    public const string PharmacySystem = "https://health.example.gov.cn/fhir/sid/pharmacy";
    public const string DrugSystem = "https://health.example.gov.cn/fhir/CodeSystem/drug-catalogue";
    public const string Icd10System = "http://hl7.org/fhir/sid/icd-10";

    private static readonly JsonSerializerOptions Write = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    private static readonly JsonSerializerOptions Read = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector).UsingMode(DeserializationMode.Strict);

    /// <summary>The bundle of the current version, as released at <see cref="PrescriptionRecord.ReleasedAt"/>; the same record always gives the same JSON.</summary>
    public static string Build(PrescriptionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var version = record.Current;
        var releasedAt = record.ReleasedAt ?? throw new InvalidOperationException("Only a released prescription goes to pharmacies.");
        var bundle = new Bundle
        {
            Id = FhirId(record.PrescriptionId, version.Version),
            Identifier = new Identifier(PrescriptionSystem, $"{record.PrescriptionId}/{version.Version}"),
            Type = Bundle.BundleType.Collection,
            Timestamp = releasedAt,
        };
        var n = 0;
        foreach (var line in version.Lines)
        {
            var request = ToMedicationRequest(record, version, line, ++n);
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:" + Uuid(record.PrescriptionId, version.Version, n), Resource = request });
        }

        return Serialize(bundle);
    }

    /// <summary>The same bundle with the pharmacy that accepted it as every request's dispenser (<c>dispenseRequest.performer</c>).</summary>
    public static string ForPharmacy(string bundleJson, string pharmacyId)
    {
        var bundle = Parse(bundleJson);
        foreach (var request in bundle.Entry.Select(e => e.Resource).OfType<MedicationRequest>())
        {
            request.DispenseRequest ??= new MedicationRequest.DispenseRequestComponent();
            request.DispenseRequest.Performer = new ResourceReference { Type = "Organization", Identifier = new Identifier(PharmacySystem, pharmacyId) };
        }

        return Serialize(bundle);
    }

    /// <summary>Reads a bundle strictly (unknown elements and bad values fail) and checks it against the R4 model's cardinality and value rules.</summary>
    public static Bundle Parse(string bundleJson)
    {
        var bundle = JsonSerializer.Deserialize<Bundle>(bundleJson, Read) ?? throw new InvalidDataException("Empty FHIR bundle.");
        Validate(bundle);
        return bundle;
    }

    private static MedicationRequest ToMedicationRequest(PrescriptionRecord record, PrescriptionVersion version, PrescribedLine line, int n)
    {
        var validFrom = Shanghai(version.WrittenAt);
        var validTo = Shanghai(version.ValidUntil);
        return new MedicationRequest
        {
            Id = FhirId(record.PrescriptionId, version.Version) + "-" + n.ToString(CultureInfo.InvariantCulture),
            Identifier = [new Identifier(PrescriptionSystem, $"{record.PrescriptionId}/{version.Version}/{n}")],
            Status = MedicationRequest.MedicationrequestStatus.Active,
            Intent = MedicationRequest.MedicationRequestIntent.Order,
            Medication = new CodeableConcept { Coding = [new Coding(DrugSystem, line.DrugCode, $"{line.DrugName} {line.Strength}")], Text = line.DrugName },
            Subject = new ResourceReference { Type = "Patient", Identifier = new Identifier(HealthCodeSystem, record.CodeId) },
            AuthoredOn = version.WrittenAt.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            Requester = new ResourceReference { Type = "Practitioner", Identifier = new Identifier(PhysicianSystem, record.QualificationNumber) },
            ReasonCode = [new CodeableConcept(Icd10System, record.Icd10)],
            DosageInstruction = [new Dosage { Text = line.Dosage }],
            DispenseRequest = new MedicationRequest.DispenseRequestComponent
            {
                ValidityPeriod = new Period { Start = validFrom, End = validTo },
                Quantity = new Quantity { Value = line.Quantity, Unit = line.Unit },
                ExpectedSupplyDuration = new Duration { Value = version.SupplyDays, Unit = "d", System = "http://unitsofmeasure.org", Code = "d" },
                NumberOfRepeatsAllowed = 0,
            },
            Note = [new Annotation { Text = $"{record.InstitutionId}; catalogue {version.CatalogueVersion}" }],
        };
    }

    private static string Serialize(Bundle bundle)
    {
        Validate(bundle);
        var json = JsonSerializer.Serialize(bundle, Write);
        Parse(json); // What pharmacies will read must read back strictly.
        return json;
    }

    private static void Validate(Bundle bundle)
    {
        var problems = bundle.Validate(ModelInfo.ModelInspector, NarrativeValidationKind.FhirXhtml, null, true);
        var list = problems.ToList();
        if (list.Count > 0)
        {
            throw new InvalidOperationException("The FHIR bundle is not valid R4: " + string.Join("; ", list.Select(p => p.Message)));
        }
    }

    private static string Shanghai(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Common.BusinessTime.Zone).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>FHIR ids are letters, digits, '-' and '.'; prescription ids carry an underscore.</summary>
    private static string FhirId(string prescriptionId, int version) => prescriptionId.Replace('_', '-') + "-v" + version.ToString(CultureInfo.InvariantCulture);

    private static Guid Uuid(string prescriptionId, int version, int n)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{prescriptionId}/{version}/{n}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}
