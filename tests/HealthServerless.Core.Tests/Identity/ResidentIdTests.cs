using HealthServerless.Core.Identity;

namespace HealthServerless.Core.Tests.Identity;

public sealed class ResidentIdTests
{
    private static readonly DateOnly Today = new(2026, 11, 24);

    // Synthetic numbers built for these tests (region, birth date, sequence, computed check character).
    [Theory]
    [InlineData("11010519491231002X", 1949, 12, 31, false)]
    [InlineData("440524193001010010", 1930, 1, 1, true)]
    [InlineData("110105200002290013", 2000, 2, 29, true)]
    public void A_valid_number_parses_with_its_birth_date_and_sex(string number, int year, int month, int day, bool male)
    {
        Assert.True(ResidentId.TryParse(number, Today, out var id));
        Assert.Equal(new DateOnly(year, month, day), id.BirthDate);
        Assert.Equal(male, id.IsMale);
    }

    [Theory]
    [InlineData(1988, 8, 8, 81)]
    [InlineData(2016, 6, 1, 82)]
    [InlineData(1949, 12, 31, 2)]
    public void Synthetic_numbers_are_valid_and_carry_their_birth_date(int year, int month, int day, int sequence)
    {
        var number = ResidentId.Synthetic(new DateOnly(year, month, day), sequence);

        Assert.True(ResidentId.TryParse(number, Today, out var id));
        Assert.Equal(new DateOnly(year, month, day), id.BirthDate);
        Assert.StartsWith("110101", number, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lower_case_x_and_surrounding_spaces_are_normalised()
    {
        Assert.True(ResidentId.TryParse(" 11010519491231002x ", Today, out var id));
        Assert.Equal("11010519491231002X", id.Reveal());
    }

    [Theory]
    [InlineData("11010519491231002", ResidentIdProblem.Length)]
    [InlineData("11010519491231002XX", ResidentIdProblem.Length)]
    [InlineData("1101051949123100AX", ResidentIdProblem.Characters)]
    [InlineData("110105194912310029", ResidentIdProblem.CheckCharacter)]
    [InlineData("990105194912310028", ResidentIdProblem.Region)]
    [InlineData("110105190002290011", ResidentIdProblem.BirthDate)]
    [InlineData("110105203001010011", ResidentIdProblem.BirthDate)]
    [InlineData("110105194913310011", ResidentIdProblem.BirthDate)]
    [InlineData("", ResidentIdProblem.Length)]
    [InlineData(null, ResidentIdProblem.Length)]
    public void An_invalid_number_names_what_is_wrong(string? number, ResidentIdProblem problem)
    {
        Assert.Equal(problem, ResidentId.Check(number, Today));
        Assert.False(ResidentId.TryParse(number, Today, out _));
    }

    [Fact]
    public void The_number_is_masked_wherever_it_is_printed()
    {
        Assert.True(ResidentId.TryParse("11010519491231002X", Today, out var id));

        Assert.Equal("110105********002X", id.Masked);
        Assert.Equal("110105********002X", id.ToString());
        Assert.Equal("110105********002X", $"{id}");
        Assert.DoesNotContain("19491231", id.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_numbers_are_equal()
    {
        ResidentId.TryParse("11010519491231002X", Today, out var a);
        ResidentId.TryParse("11010519491231002x", Today, out var b);

        Assert.Equal(a, b);
        Assert.Equal(a!.GetHashCode(), b!.GetHashCode());
    }
}
