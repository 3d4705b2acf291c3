using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Tests.Storage;

public sealed class PartitionQueryTests
{
    [Theory]
    [InlineData("status")]
    [InlineData("slot.day")]
    [InlineData("_private2")]
    public void Plain_property_paths_are_accepted(string path) =>
        Assert.Equal(path, PartitionQuery.All.WhereEquals(path, "x").Where[0].Property);

    [Theory]
    [InlineData("status = 1 OR 1")]
    [InlineData("a..b")]
    [InlineData("1abc")]
    [InlineData("a['b']")]
    [InlineData("")]
    public void Anything_else_is_refused_before_it_reaches_query_text(string path)
    {
        Assert.Throws<ArgumentException>(() => PartitionQuery.All.WhereEquals(path, "x"));
        Assert.Throws<ArgumentException>(() => PartitionQuery.All.OrderedBy(path));
    }

    [Fact]
    public void Values_are_strings_whole_numbers_or_booleans()
    {
        Assert.Throws<ArgumentException>(() => PartitionQuery.All.WhereEquals("n", 1.5));
        Assert.Throws<ArgumentException>(() => PartitionQuery.All.WhereEquals("n", new object()));
        Assert.Equal(3, PartitionQuery.All.WhereEquals("a", "x").WhereEquals("b", 2).WhereEquals("c", true).Where.Count);
    }

    [Fact]
    public void A_limit_is_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PartitionQuery.All.Take(0));

    [Fact]
    public void Container_names_are_checked() =>
        Assert.Throws<ArgumentException>(() => new StoreContainer("Bad Name", "x"));
}
