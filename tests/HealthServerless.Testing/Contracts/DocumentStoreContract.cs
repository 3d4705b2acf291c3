using System.Text;
using System.Text.Json.Nodes;
using HealthServerless.Core.Storage;

namespace HealthServerless.Testing.Contracts;

/// <summary>
/// The store contract (docs/decisions/002), run unchanged against every adapter. Each test
/// works in a partition of its own, so adapters may share one container across tests.
/// </summary>
public abstract class DocumentStoreContract
{
    public static StoreContainer Container { get; } = new("contract", "one partition per test");

    private readonly string _pk = "p-" + Guid.NewGuid().ToString("N");

    protected abstract IDocumentStore Store { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reading_a_missing_document_is_not_found()
    {
        var result = await Store.ReadAsync(Container, _pk, "nobody", Ct);

        Assert.Equal(ReadOutcome.NotFound, result.Outcome);
        Assert.Null(result.Document);
    }

    [Fact]
    public async Task A_created_document_reads_back_with_its_etag()
    {
        var created = await Store.CreateAsync(Container, _pk, "a", Json("""{"name":"a","n":1}"""), Ct);
        var read = await Store.ReadAsync(Container, _pk, "a", Ct);

        Assert.Equal(WriteOutcome.Written, created.Outcome);
        Assert.False(string.IsNullOrEmpty(created.ETag));
        Assert.Equal(ReadOutcome.Found, read.Outcome);
        Assert.Equal(created.ETag, read.Document!.ETag);
        Assert.Equal("a", read.Document.Id);
        Assert.Equal(_pk, read.Document.PartitionKey);
        AssertJson("""{"name":"a","n":1}""", read.Document.Json);
    }

    [Fact]
    public async Task Creating_an_existing_id_is_a_conflict_and_keeps_the_first()
    {
        await Store.CreateAsync(Container, _pk, "a", Json("""{"v":"first"}"""), Ct);

        var second = await Store.CreateAsync(Container, _pk, "a", Json("""{"v":"second"}"""), Ct);

        Assert.Equal(WriteOutcome.Conflict, second.Outcome);
        Assert.Null(second.ETag);
        AssertJson("""{"v":"first"}""", (await Store.ReadAsync(Container, _pk, "a", Ct)).Document!.Json);
    }

    [Fact]
    public async Task The_same_id_in_two_partitions_is_two_documents()
    {
        var otherPk = _pk + "-other";
        await Store.CreateAsync(Container, _pk, "a", Json("""{"v":1}"""), Ct);

        var other = await Store.CreateAsync(Container, otherPk, "a", Json("""{"v":2}"""), Ct);

        Assert.Equal(WriteOutcome.Written, other.Outcome);
        AssertJson("""{"v":1}""", (await Store.ReadAsync(Container, _pk, "a", Ct)).Document!.Json);
        AssertJson("""{"v":2}""", (await Store.ReadAsync(Container, otherPk, "a", Ct)).Document!.Json);
    }

    [Fact]
    public async Task Replacing_with_the_current_etag_writes_and_changes_the_etag()
    {
        var created = await Store.CreateAsync(Container, _pk, "a", Json("""{"v":1}"""), Ct);

        var replaced = await Store.ReplaceAsync(Container, _pk, "a", Json("""{"v":2}"""), created.ETag!, Ct);

        Assert.Equal(WriteOutcome.Written, replaced.Outcome);
        Assert.NotEqual(created.ETag, replaced.ETag);
        var read = await Store.ReadAsync(Container, _pk, "a", Ct);
        Assert.Equal(replaced.ETag, read.Document!.ETag);
        AssertJson("""{"v":2}""", read.Document.Json);
    }

    [Fact]
    public async Task Replacing_with_a_stale_etag_fails_the_precondition_and_changes_nothing()
    {
        var created = await Store.CreateAsync(Container, _pk, "a", Json("""{"v":1}"""), Ct);
        var current = await Store.ReplaceAsync(Container, _pk, "a", Json("""{"v":2}"""), created.ETag!, Ct);

        var stale = await Store.ReplaceAsync(Container, _pk, "a", Json("""{"v":3}"""), created.ETag!, Ct);

        Assert.Equal(WriteOutcome.PreconditionFailed, stale.Outcome);
        var read = await Store.ReadAsync(Container, _pk, "a", Ct);
        Assert.Equal(current.ETag, read.Document!.ETag);
        AssertJson("""{"v":2}""", read.Document.Json);
    }

    [Fact]
    public async Task Replacing_a_missing_document_is_not_found()
    {
        var created = await Store.CreateAsync(Container, _pk, "a", Json("{}"), Ct);

        var result = await Store.ReplaceAsync(Container, _pk, "b", Json("{}"), created.ETag!, Ct);

        Assert.Equal(WriteOutcome.NotFound, result.Outcome);
        Assert.Equal(ReadOutcome.NotFound, (await Store.ReadAsync(Container, _pk, "b", Ct)).Outcome);
    }

    [Fact]
    public async Task Deleting_removes_the_document_and_a_second_delete_is_not_found()
    {
        await Store.CreateAsync(Container, _pk, "a", Json("{}"), Ct);

        var first = await Store.DeleteAsync(Container, _pk, "a", cancellationToken: Ct);
        var second = await Store.DeleteAsync(Container, _pk, "a", cancellationToken: Ct);

        Assert.Equal(DeleteOutcome.Deleted, first.Outcome);
        Assert.Equal(DeleteOutcome.NotFound, second.Outcome);
        Assert.Equal(ReadOutcome.NotFound, (await Store.ReadAsync(Container, _pk, "a", Ct)).Outcome);
    }

    [Fact]
    public async Task Deleting_with_a_stale_etag_fails_and_keeps_the_document()
    {
        var created = await Store.CreateAsync(Container, _pk, "a", Json("""{"v":1}"""), Ct);
        var replaced = await Store.ReplaceAsync(Container, _pk, "a", Json("""{"v":2}"""), created.ETag!, Ct);

        var stale = await Store.DeleteAsync(Container, _pk, "a", created.ETag, Ct);
        var current = await Store.DeleteAsync(Container, _pk, "a", replaced.ETag, Ct);

        Assert.Equal(DeleteOutcome.PreconditionFailed, stale.Outcome);
        Assert.Equal(DeleteOutcome.Deleted, current.Outcome);
    }

    [Fact]
    public async Task A_deleted_id_can_be_created_again()
    {
        await Store.CreateAsync(Container, _pk, "a", Json("""{"v":1}"""), Ct);
        await Store.DeleteAsync(Container, _pk, "a", cancellationToken: Ct);

        var again = await Store.CreateAsync(Container, _pk, "a", Json("""{"v":2}"""), Ct);

        Assert.Equal(WriteOutcome.Written, again.Outcome);
        AssertJson("""{"v":2}""", (await Store.ReadAsync(Container, _pk, "a", Ct)).Document!.Json);
    }

    [Fact]
    public async Task A_query_sees_only_its_own_partition()
    {
        await Store.CreateAsync(Container, _pk, "mine", Json("""{"kind":"x"}"""), Ct);
        await Store.CreateAsync(Container, _pk + "-other", "theirs", Json("""{"kind":"x"}"""), Ct);

        var all = await Store.QueryAsync(Container, _pk, PartitionQuery.All, Ct);

        var only = Assert.Single(all);
        Assert.Equal("mine", only.Id);
        Assert.Equal(_pk, only.PartitionKey);
        Assert.Equal((await Store.ReadAsync(Container, _pk, "mine", Ct)).Document!.ETag, only.ETag);
        AssertJson("""{"kind":"x"}""", only.Json);
    }

    [Fact]
    public async Task Listing_ids_gives_every_id_of_its_own_partition_only()
    {
        Assert.Empty(await Store.ListIdsAsync(Container, _pk, Ct));
        await Store.CreateAsync(Container, _pk, "seat-2", Json("""{"kind":"x"}"""), Ct);
        await Store.CreateAsync(Container, _pk, "seat-1", Json("""{"kind":"y"}"""), Ct);
        await Store.CreateAsync(Container, _pk + "-other", "seat-3", Json("""{"kind":"x"}"""), Ct);
        await Store.DeleteAsync(Container, _pk, "seat-2", cancellationToken: Ct);
        await Store.CreateAsync(Container, _pk, "seat-4", Json("""{"kind":"z"}"""), Ct);

        Assert.Equal(["seat-1", "seat-4"], (await Store.ListIdsAsync(Container, _pk, Ct)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_query_filters_on_strings_numbers_booleans_and_nested_properties()
    {
        await Store.CreateAsync(Container, _pk, "1", Json("""{"status":"booked","seat":1,"paid":true,"slot":{"day":"2026-12-01"}}"""), Ct);
        await Store.CreateAsync(Container, _pk, "2", Json("""{"status":"booked","seat":2,"paid":false,"slot":{"day":"2026-12-02"}}"""), Ct);
        await Store.CreateAsync(Container, _pk, "3", Json("""{"status":"cancelled","seat":3,"paid":true,"slot":{"day":"2026-12-01"}}"""), Ct);

        Assert.Equal(["1", "2"], Ids(await Store.QueryAsync(Container, _pk, PartitionQuery.All.WhereEquals("status", "booked").OrderedBy("seat"), Ct)));
        Assert.Equal(["3"], Ids(await Store.QueryAsync(Container, _pk, PartitionQuery.All.WhereEquals("seat", 3), Ct)));
        Assert.Equal(["1", "3"], Ids(await Store.QueryAsync(Container, _pk, PartitionQuery.All.WhereEquals("paid", true).OrderedBy("seat"), Ct)));
        Assert.Equal(["1"], Ids(await Store.QueryAsync(Container, _pk, PartitionQuery.All.WhereEquals("slot.day", "2026-12-01").WhereEquals("status", "booked"), Ct)));
        Assert.Empty(await Store.QueryAsync(Container, _pk, PartitionQuery.All.WhereEquals("status", "no-show"), Ct));
    }

    [Fact]
    public async Task A_query_orders_both_ways_and_honours_the_limit()
    {
        foreach (var (id, at) in new[] { ("b", "2026-12-01T09:00:00Z"), ("a", "2026-12-01T08:00:00Z"), ("c", "2026-12-01T10:00:00Z") })
        {
            await Store.CreateAsync(Container, _pk, id, Json($$"""{"at":"{{at}}"}"""), Ct);
        }

        Assert.Equal(["a", "b", "c"], Ids(await Store.QueryAsync(Container, _pk, PartitionQuery.All.OrderedBy("at"), Ct)));
        Assert.Equal(["c", "b", "a"], Ids(await Store.QueryAsync(Container, _pk, PartitionQuery.All.OrderedBy("at", descending: true), Ct)));
        Assert.Equal(["c", "b"], Ids(await Store.QueryAsync(Container, _pk, PartitionQuery.All.OrderedBy("at", descending: true).Take(2), Ct)));
        Assert.Equal(3, (await Store.QueryAsync(Container, _pk, PartitionQuery.All, Ct)).Count);
    }

    [Fact]
    public async Task Unicode_survives_in_ids_partition_keys_and_bodies()
    {
        var pk = _pk + "-卫健委";
        const string body = """{"name":"张三丰","department":"心血管内科","note":"急诊 🚑 \"quoted\" \\ back\u0001slash"}""";

        await Store.CreateAsync(Container, pk, "医生-王", Json(body), Ct);

        var read = await Store.ReadAsync(Container, pk, "医生-王", Ct);
        AssertJson(body, read.Document!.Json);
        var found = Assert.Single(await Store.QueryAsync(Container, pk, PartitionQuery.All.WhereEquals("name", "张三丰"), Ct));
        Assert.Equal("医生-王", found.Id);
    }

    [Fact]
    public async Task A_large_document_round_trips()
    {
        var large = new JsonObject
        {
            ["records"] = new JsonArray([.. Enumerable.Range(0, 4000).Select(i => (JsonNode)new JsonObject { ["i"] = i, ["text"] = $"第{i}条记录 " + new string('x', 200) })]),
        }.ToJsonString();
        Assert.True(Encoding.UTF8.GetByteCount(large) > 800_000);

        await Store.CreateAsync(Container, _pk, "large", Json(large), Ct);

        AssertJson(large, (await Store.ReadAsync(Container, _pk, "large", Ct)).Document!.Json);
    }

    [Fact]
    public async Task Fifty_concurrent_creates_of_one_id_make_exactly_one_document()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => Store.CreateAsync(Container, _pk, "seat-1", Json($$"""{"holder":"{{i}}"}"""), Ct), Ct)));

        var winner = Assert.Single(results, r => r.Outcome == WriteOutcome.Written);
        Assert.Equal(49, results.Count(r => r.Outcome == WriteOutcome.Conflict));
        Assert.Equal(winner.ETag, (await Store.ReadAsync(Container, _pk, "seat-1", Ct)).Document!.ETag);
    }

    [Fact]
    public async Task Fifty_concurrent_replaces_with_one_etag_let_exactly_one_through()
    {
        var created = await Store.CreateAsync(Container, _pk, "counter", Json("""{"n":0}"""), Ct);

        var results = await Task.WhenAll(Enumerable.Range(1, 50).Select(i =>
            Task.Run(() => Store.ReplaceAsync(Container, _pk, "counter", Json($$"""{"n":{{i}}}"""), created.ETag!, Ct), Ct)));

        var winner = Assert.Single(results, r => r.Outcome == WriteOutcome.Written);
        Assert.Equal(49, results.Count(r => r.Outcome == WriteOutcome.PreconditionFailed));
        var read = await Store.ReadAsync(Container, _pk, "counter", Ct);
        Assert.Equal(winner.ETag, read.Document!.ETag);
    }

    private static ReadOnlyMemory<byte> Json(string json) => Encoding.UTF8.GetBytes(json);

    private static string[] Ids(IEnumerable<StoredDocument> documents) => [.. documents.Select(d => d.Id)];

    private static void AssertJson(string expected, ReadOnlyMemory<byte> actual) =>
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual.Span)),
            $"Expected {expected}{Environment.NewLine}but got {Encoding.UTF8.GetString(actual.Span)}");
}
