using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace HealthServerless.Core.Identity;

/// <summary>
/// An 18-character resident identity number (GB 11643-1999): six-digit administrative region
/// code, eight-digit birth date, three-digit sequence (odd for men), and an ISO 7064
/// MOD 11-2 check character (0–9 or X). Constructed only when valid. It is sensitive
/// personal information: <see cref="ToString"/> masks it, and the full number is reachable
/// only through <see cref="Reveal"/>, for encryption and keyed lookup.
/// </summary>
public sealed class ResidentId : IEquatable<ResidentId>
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    // Province-level region codes (first two digits) that GB/T 2260 assigns.
    private static readonly HashSet<int> Provinces =
    [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
    ];

    private readonly string _value;

    private ResidentId(string value, DateOnly birthDate)
    {
        _value = value;
        BirthDate = birthDate;
    }

    public DateOnly BirthDate { get; }

    public bool IsMale => (_value[16] - '0') % 2 == 1;

    /// <summary>First 6 and last 4 characters, the rest starred: 110105********123X.</summary>
    public string Masked => Mask(_value);

    public static ResidentIdProblem? Check(string? input, DateOnly today) => Parse(input, today, out _);

    public static bool TryParse(string? input, DateOnly today, [NotNullWhen(true)] out ResidentId? residentId) =>
        Parse(input, today, out residentId) is null;

    /// <summary>Masks any string the way resident ID numbers are masked, for logs and responses.</summary>
    /// <summary>
    /// A synthetic number for demo and test data: region 110101 (Beijing Dongcheng), the birth
    /// date, a three-digit sequence and its check character. Valid, so the app accepts it.
    /// </summary>
    public static string Synthetic(DateOnly birthDate, int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, 999);
        var body = string.Create(CultureInfo.InvariantCulture, $"110101{birthDate:yyyyMMdd}{sequence:D3}");
        return body + CheckCharacterOf(body);
    }

    private static char CheckCharacterOf(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    public static string Mask(string value) =>
        value.Length <= 10 ? new string('*', value.Length) : string.Concat(value.AsSpan(0, 6), new string('*', value.Length - 10), value.AsSpan(value.Length - 4));

    /// <summary>The full number. Only for encryption at rest and the keyed lookup hash.</summary>
    public string Reveal() => _value;

    public override string ToString() => Masked;

    public bool Equals(ResidentId? other) => other is not null && string.Equals(_value, other._value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as ResidentId);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_value);

    private static ResidentIdProblem? Parse(string? input, DateOnly today, out ResidentId? residentId)
    {
        residentId = null;
        var value = (input ?? string.Empty).Trim().ToUpperInvariant();
        if (value.Length != 18)
        {
            return ResidentIdProblem.Length;
        }

        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                return ResidentIdProblem.Characters;
            }
        }

        if (!char.IsAsciiDigit(value[17]) && value[17] != 'X')
        {
            return ResidentIdProblem.Characters;
        }

        if (!Provinces.Contains(int.Parse(value.AsSpan(0, 2), CultureInfo.InvariantCulture)))
        {
            return ResidentIdProblem.Region;
        }

        if (!DateOnly.TryParseExact(value.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birthDate)
            || birthDate > today || birthDate.Year < 1900)
        {
            return ResidentIdProblem.BirthDate;
        }

        if (CheckCharacterOf(value.AsSpan(0, 17)) != value[17])
        {
            return ResidentIdProblem.CheckCharacter;
        }

        residentId = new ResidentId(value, birthDate);
        return null;
    }
}

public enum ResidentIdProblem
{
    Length,
    Characters,
    Region,
    BirthDate,
    CheckCharacter,
}
