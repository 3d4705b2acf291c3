using System.Globalization;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace HealthServerless.Functions.Booking;

/// <summary>Schedules, real-name booking, cancellation, walk-ins and check-in .</summary>
public sealed class BookingHttpFunctions(ScheduleService schedules, BookingService bookings, VisitService visits, FrontDesk desk, IOptions<BookingOptions> options)
{
    [Function("PublishSession")]
    [Authorize(Roles = Roles.Staff)]
    [Idempotent]
    [AcceptsJson(typeof(PublishSessionRequest))]
    [ProducesJson(typeof(SessionView), StatusCodes.Status201Created)]
    public async Task<IActionResult> Publish(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "institutions/{institutionId}/sessions")] HttpRequest req, string institutionId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<PublishSessionRequest>(cancellationToken);
        var session = await schedules.PublishAsync(req.Caller(), institutionId, body.ToCommand(), cancellationToken);
        return ApiResults.Created($"/api/institutions/{institutionId}/sessions/{session.SessionId}", session);
    }

    [Function("SearchSessions")]
    [Authorize]
    [ProducesJson(typeof(IReadOnlyList<SessionView>))]
    public async Task<IActionResult> Search(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "institutions/{institutionId}/sessions")] HttpRequest req, string institutionId, CancellationToken cancellationToken)
    {
        DateOnly? date = null;
        if (req.Query["date"].FirstOrDefault() is { Length: > 0 } text)
        {
            date = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                ? parsed
                : throw DomainException.Validation("invalid-query", "The search is not valid.", "date", "A date is yyyy-MM-dd.");
        }

        return ApiResults.Ok(await schedules.SearchAsync(institutionId, req.Query["department"].FirstOrDefault(), req.Query["physicianId"].FirstOrDefault(), date, cancellationToken));
    }

    [Function("BookAppointment")]
    [Authorize(Roles = Roles.Citizen)]
    [Idempotent]
    [AcceptsJson(typeof(BookRequest))]
    [ProducesJson(typeof(BookingView), StatusCodes.Status201Created)]
    public async Task<IActionResult> Book(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "health-codes/{codeId}/bookings")] HttpRequest req, string codeId,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<BookRequest>(cancellationToken);
        var attempt = await bookings.TryBookOnlineAsync(req.Caller(), codeId, new BookSlot(body.InstitutionId, body.SessionId, body.SlotId), cancellationToken);
        if (attempt.Booked is not { } booking)
        {
            return ApiResults.Problem(attempt.Refusal!);
        }

        if (booking.Status == BookingStatus.PendingPayment)
        {
            await BookingPaymentHoldV1.StartAsync(client, new PaymentHoldInput(codeId, booking.BookingId, options.Value.PaymentHold), cancellationToken);
        }

        return ApiResults.Created($"/api/health-codes/{codeId}/bookings/{booking.BookingId}", booking);
    }

    [Function("ListBookings")]
    [Authorize(Roles = Roles.Citizen)]
    [ProducesJson(typeof(IReadOnlyList<BookingView>))]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health-codes/{codeId}/bookings")] HttpRequest req, string codeId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await bookings.ListAsync(req.Caller(), codeId, cancellationToken));

    [Function("CancelAppointment")]
    [Authorize(Roles = Roles.Citizen)]
    [Idempotent]
    [ProducesJson(typeof(BookingView))]
    public async Task<IActionResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "health-codes/{codeId}/bookings/{bookingId}/cancel")] HttpRequest req,
        string codeId, string bookingId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await bookings.CancelAsync(req.Caller(), codeId, bookingId, cancellationToken));

    [Function("BookWalkIn")]
    [Authorize(Roles = Roles.Staff)]
    [Idempotent]
    [AcceptsJson(typeof(WalkInRequest))]
    [ProducesJson(typeof(BookingView), StatusCodes.Status201Created)]
    public async Task<IActionResult> WalkIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "institutions/{institutionId}/walk-ins")] HttpRequest req, string institutionId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<WalkInRequest>(cancellationToken);
        var booking = await desk.WalkInAsync(req.Caller(), institutionId, body.QrToken, body.SessionId, body.SlotId, cancellationToken);
        return ApiResults.Created($"/api/health-codes/{booking.CodeId}/bookings/{booking.BookingId}", booking);
    }

    [Function("CheckIn")]
    [Authorize(Roles = Roles.Staff)]
    [AcceptsJson(typeof(CheckInRequest))]
    [ProducesJson(typeof(BookingView))]
    public async Task<IActionResult> CheckIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "institutions/{institutionId}/check-ins")] HttpRequest req, string institutionId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<CheckInRequest>(cancellationToken);
        return ApiResults.Ok(await desk.CheckInAsync(req.Caller(), institutionId, body.QrToken, cancellationToken));
    }

    [Function("ListSessionBookings")]
    [Authorize(Roles = Roles.Staff)]
    [ProducesJson(typeof(IReadOnlyList<SessionBookingView>))]
    public async Task<IActionResult> ListSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "institutions/{institutionId}/sessions/{sessionId}/bookings")] HttpRequest req,
        string institutionId, string sessionId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await visits.ListSessionAsync(req.Caller(), institutionId, sessionId, cancellationToken));
}
