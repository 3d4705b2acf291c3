using HealthServerless.Core.Common;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HealthServerless.Azure.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// One <see cref="QueueServiceClient"/> and one <see cref="BlobServiceClient"/> for the app's
    /// lifetime: from <c>Storage:ConnectionString</c> when set (Azurite), else from the service
    /// URIs with the app's one <see cref="TokenCredential"/>. Built on first use, so an app that
    /// never touches storage (unit tests) needs no storage settings; ValidateOnStart still fails
    /// a host that starts without them. Documents kept as blobs (<see cref="IDocumentBlobs"/>) use the blob client.
    /// </summary>
    public static IServiceCollection AddAzureStorageClients(this IServiceCollection services)
    {
        services.AddAzureCredential();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            // Base64 like the Functions host's queue trigger, so messages this app sends are
            // readable by its own queue-triggered functions (and by the local host's poller).
            var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            return string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new QueueServiceClient(options.QueueServiceUri, sp.GetRequiredService<TokenCredential>(), clientOptions)
                : new QueueServiceClient(options.ConnectionString, clientOptions);
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new BlobServiceClient(options.BlobServiceUri, sp.GetRequiredService<TokenCredential>())
                : new BlobServiceClient(options.ConnectionString);
        });
        services.AddSingleton<IDocumentBlobs, AzureDocumentBlobs>();
        return services;
    }
}
