using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Platform.OpenApi;

/// <summary>Serves the OpenAPI document, anonymously (it describes the API, it holds no data).</summary>
public static class OpenApiFunctions
{
    // Served as application/json, never inlined into HTML, so "application/problem+json" may keep its '+'.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Built once per process: the functions cannot change while it runs.
    private static readonly Lazy<byte[]> Document = new(() =>
        Encoding.UTF8.GetBytes(OpenApiDocumentBuilder.Build(typeof(OpenApiFunctions).Assembly).ToJsonString(Relaxed)));

    /// <remarks>AuthorizationLevel.Anonymous at the host, like every HTTP function: function keys are not our authentication.</remarks>
    [Function("GetOpenApiDocument")]
    [AllowAnonymous]
    public static IActionResult GetOpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest req) =>
        new DocumentResult(Document.Value);

    private sealed class DocumentResult(byte[] json) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            await response.Body.WriteAsync(json, context.HttpContext.RequestAborted);
        }
    }
}
