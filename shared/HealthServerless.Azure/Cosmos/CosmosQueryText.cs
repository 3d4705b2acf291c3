using System.Globalization;
using System.Text;
using HealthServerless.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace HealthServerless.Azure.Cosmos;

/// <summary>
/// Turns a <see cref="PartitionQuery"/> into Cosmos SQL. The partition key is always in the
/// query text (c.pk = @pk) as well as in the request options, so the query stays on one
/// partition whatever the gateway does with the header.
/// </summary>
internal static class CosmosQueryText
{
    public static QueryDefinition For(string partitionKey, PartitionQuery query)
    {
        var sql = new StringBuilder("SELECT ");
        if (query.Limit is { } limit)
        {
            sql.Append(CultureInfo.InvariantCulture, $"TOP {limit} ");
        }

        sql.Append("c.id, c._etag, c.doc FROM c WHERE c.pk = @pk");
        for (var i = 0; i < query.Where.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND c.doc.{query.Where[i].Property} = @v{i}");
        }

        if (query.OrderBy is { } orderBy)
        {
            sql.Append(CultureInfo.InvariantCulture, $" ORDER BY c.doc.{orderBy} {(query.Descending ? "DESC" : "ASC")}");
        }

        var definition = new QueryDefinition(sql.ToString()).WithParameter("@pk", partitionKey);
        for (var i = 0; i < query.Where.Count; i++)
        {
            definition = definition.WithParameter($"@v{i}", query.Where[i].Value);
        }

        return definition;
    }

    /// <summary>Only the ids of one partition; the partition filter is in the text as in <see cref="For"/>.</summary>
    public static QueryDefinition Ids(string partitionKey) =>
        new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.pk = @pk").WithParameter("@pk", partitionKey);
}
