using System.Net;
using Microsoft.Azure.Cosmos;

namespace HealthServerless.Testing;

/// <summary>
/// @vercel/cosmosdb-server on a free port: an in-memory, HTTPS stand-in for the Cosmos DB
/// gateway. What it gets wrong (no batches, TTL, change feed or cross-partition queries; 500 for a
/// missing id; see docs/decisions/002) is worked around here, in the client
/// the tests and benchmarks use, never in the adapter.
/// </summary>
public sealed class CosmosTestServer : IAsyncDisposable
{
    private readonly EmulatorProcess _process;

    private CosmosTestServer(EmulatorProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri Endpoint => new($"https://127.0.0.1:{Port}/");

    /// <summary>The server checks no signatures; any well-formed key will do.</summary>
    public string ConnectionString => $"AccountEndpoint={Endpoint};AccountKey={Convert.ToBase64String(new byte[64])};";

    public static async Task<CosmosTestServer> StartAsync()
    {
        var port = EmulatorProcess.FreePort();
        var process = await EmulatorProcess.StartAsync(
            "Cosmos test server", "@vercel/cosmosdb-server/lib/cli.js", ["-p", $"{port}", "--host", "127.0.0.1"], [port], TimeSpan.FromSeconds(30));
        return new CosmosTestServer(process, port);
    }

    /// <summary>A client the way this server needs it: gateway mode, its certificate, and the fix below.</summary>
    public CosmosClient CreateClient() => new(ConnectionString, new CosmosClientOptions
    {
        ConnectionMode = ConnectionMode.Gateway,
        LimitToEndpoint = true,
        // Test server only, on loopback: its certificate is self-signed and expired.
#pragma warning disable CA5359
        HttpClientFactory = () => new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        }),
#pragma warning restore CA5359
        CustomHandlers = { new MissingReadIsNotFound() },
    });

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>
    /// The test server answers a point read of a missing id with 500 where Cosmos DB answers
    /// 404; this turns that one answer back into what the real service says.
    /// </summary>
    private sealed class MissingReadIsNotFound : RequestHandler
    {
        public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var isPointRead = request.Method == HttpMethod.Get && request.RequestUri.OriginalString.Contains("/docs/", StringComparison.Ordinal);
            if (isPointRead && response.StatusCode == HttpStatusCode.InternalServerError)
            {
                response.Dispose();
                return new ResponseMessage(HttpStatusCode.NotFound, request);
            }

            return response;
        }
    }
}
