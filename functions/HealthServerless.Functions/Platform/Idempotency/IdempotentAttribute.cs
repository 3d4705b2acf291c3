namespace HealthServerless.Functions.Platform.Idempotency;

/// <summary>
/// Marks a POST function that creates or pays: a request carrying an <c>Idempotency-Key</c>
/// header is executed at most once per caller and key, and retries get the first response
/// (see <see cref="IdempotencyMiddleware"/>). The function must be <c>[Authorize]</c>,
/// because keys are scoped to the authenticated caller.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class IdempotentAttribute : Attribute;
