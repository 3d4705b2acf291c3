using Azure.Storage.Blobs;
using HealthServerless.Azure.Storage;
using HealthServerless.Core.Common;
using HealthServerless.Core.Licensing;
using HealthServerless.Testing;

namespace HealthServerless.Functions.Tests.Licensing;

/// <summary>The Blob Storage adapter of <see cref="IDocumentBlobs"/> on Azurite: create-only, content and type kept.</summary>
public sealed class AzureDocumentBlobsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_blob_is_created_once_read_back_and_never_overwritten()
    {
        await using var azurite = await Azurite.StartAsync();
        var blobs = new AzureDocumentBlobs(new BlobServiceClient(azurite.ConnectionString));

        var created = await blobs.CreateAsync(LicensingBlobContainers.Attachments, "LA1/form/abc", "first"u8.ToArray(), "application/pdf", Ct);
        var again = await blobs.CreateAsync(LicensingBlobContainers.Attachments, "LA1/form/abc", "second"u8.ToArray(), "image/png", Ct);
        var read = await blobs.ReadAsync(LicensingBlobContainers.Attachments, "LA1/form/abc", Ct);
        var missing = await blobs.ReadAsync(LicensingBlobContainers.Attachments, "LA1/form/none", Ct);

        Assert.Equal(BlobWriteOutcome.Created, created);
        Assert.Equal(BlobWriteOutcome.Exists, again);
        Assert.Equal("first"u8.ToArray(), read!.Content.ToArray());
        Assert.Equal("application/pdf", read.ContentType);
        Assert.Null(missing);
    }
}
