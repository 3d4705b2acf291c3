namespace HealthServerless.Functions.Platform.OpenApi;

/// <summary>The function reads a JSON body of this type (with <c>req.ReadJsonAsync&lt;T&gt;</c>); documented as the request body.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AcceptsJsonAttribute(Type requestType) : Attribute
{
    public Type RequestType { get; } = requestType;
}

/// <summary>
/// The function reads the raw body as a file (not JSON, not multipart); documented as a required
/// body of one of <see cref="ContentTypes"/>, at most <see cref="MaxBytes"/>. Abstract because
/// attribute arguments must be constants and a list cannot be one: a subclass next to the
/// function returns the limits from where they are defined, so the document cannot drift from them.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public abstract class AcceptsFileAttribute : Attribute
{
    public abstract IReadOnlyList<string> ContentTypes { get; }

    public abstract long MaxBytes { get; }
}

/// <summary>The function answers <see cref="StatusCode"/> with a JSON body of this type.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ProducesJsonAttribute(Type responseType, int statusCode = 200) : Attribute
{
    public Type ResponseType { get; } = responseType;

    public int StatusCode { get; } = statusCode;
}

/// <summary>The function answers <see cref="StatusCode"/> without a body (202, 204).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ProducesEmptyAttribute(int statusCode) : Attribute
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// A problem status this function may answer besides the ones every function of its kind
/// can (401/403 when authenticated, 400/413/415 with a body, 409/422 when idempotent, 500).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ProducesProblemAttribute(int statusCode) : Attribute
{
    public int StatusCode { get; } = statusCode;
}
