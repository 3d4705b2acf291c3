using System.Text.Json;
using System.Text.Json.Serialization;
using HealthServerless.Core.Common;

namespace HealthServerless.Core.Prescriptions;

public enum InsuranceClass
{
    A,
    B,
    C,
}

/// <summary>Psychotropic drugs are controlled in two classes; either is never prescribed online.</summary>
public enum PsychotropicClass
{
    I,
    II,
}

/// <summary>
/// One drug of the catalogue. Prices are integer fen; <see cref="PriceCapFen"/> is the
/// insurance payment standard where one is set. <see cref="WatchCategory"/> marks the drugs
/// whose sales the surveillance of fever, diarrhoea and cough follows.
/// </summary>
public sealed record Drug(
    string Code,
    string Name,
    string Form,
    string Strength,
    string Unit,
    long UnitPriceFen,
    InsuranceClass InsuranceClass,
    long? PriceCapFen,
    bool Narcotic,
    PsychotropicClass? Psychotropic,
    bool Toxic,
    bool Radioactive,
    bool Antimicrobial,
    string? WatchCategory);

public sealed record DrugCatalogueFile(string Version, string Description, IReadOnlyList<Drug> Drugs);

/// <summary>
/// The drug catalogue, a versioned data file shipped inside Core
/// (<c>Prescriptions/drug-catalogue.json</c>): every prescription version records the catalogue
/// version it was written against.
/// </summary>
public sealed class DrugCatalogue
{
    public static readonly IReadOnlySet<string> WatchCategories = new HashSet<string>(StringComparer.Ordinal) { "antipyretic", "antiviral", "antidiarrhoeal", "cough" };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly Dictionary<string, Drug> _drugs;

    public DrugCatalogue(DrugCatalogueFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrWhiteSpace(file.Version);
        Version = file.Version;
        _drugs = file.Drugs.ToDictionary(d => d.Code, StringComparer.Ordinal);
        foreach (var drug in file.Drugs.Where(d => d.UnitPriceFen <= 0 || (d.WatchCategory is { } w && !WatchCategories.Contains(w))))
        {
            throw new InvalidDataException($"Drug {drug.Code}: a price in fen above zero and a known watch category are required.");
        }
    }

    public string Version { get; }

    public IReadOnlyCollection<Drug> Drugs => _drugs.Values;

    /// <summary>The catalogue shipped with this build.</summary>
    public static DrugCatalogue Embedded { get; } = Load();

    public Drug Find(string code) =>
        _drugs.TryGetValue(code, out var drug) ? drug
            : throw DomainException.Validation("drug-not-in-catalogue", "A drug is not in the catalogue.", "lines", $"Unknown drug code {code}.");

    private static DrugCatalogue Load()
    {
        using var stream = typeof(DrugCatalogue).Assembly.GetManifestResourceStream("HealthServerless.Core.Prescriptions.drug-catalogue.json")
            ?? throw new InvalidOperationException("The drug catalogue is not embedded in the assembly.");
        return new DrugCatalogue(JsonSerializer.Deserialize<DrugCatalogueFile>(stream, Json) ?? throw new InvalidDataException("The drug catalogue is empty."));
    }
}
