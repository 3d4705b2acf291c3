using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Booking;

public sealed record PublishSession(
    string Department,
    string PhysicianId,
    string PhysicianName,
    DateOnly Date,
    string Period,
    IReadOnlyList<PublishSlot> Slots,
    long FeeFen,
    int OpensDaysAhead,
    TimeOnly OpensAt,
    int CancellationCutoffMinutes,
    int OnsiteReleaseMinutesBefore);

public sealed record PublishSlot(TimeOnly Start, TimeOnly End, int Capacity, int OnsiteSeats);

public sealed record SessionView(
    string SessionId,
    string InstitutionId,
    string Department,
    string PhysicianId,
    string PhysicianName,
    DateOnly Date,
    string Period,
    long FeeFen,
    DateTimeOffset BookingOpensAt,
    DateTimeOffset OnsiteReleaseAt,
    bool OnsiteReleased,
    IReadOnlyList<SlotView> Slots);

public sealed record SlotView(string SlotId, TimeOnly Start, TimeOnly End, int Capacity, int OnsiteSeats, int OnlineAvailable, int OnsiteAvailable);

/// <summary>Institution staff publish sessions; anyone signed in can search what is free.</summary>
public sealed class ScheduleService(IDocumentStore store, TimeProvider time)
{
    public async Task<SessionView> PublishAsync(Caller caller, string institutionId, PublishSession request, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Staff).RequireInstitution(institutionId);
        Validate(request);
        var slots = request.Slots
            .OrderBy(s => s.Start)
            .Select((s, i) => new SlotRecord($"s{i + 1}", s.Start, s.End, BusinessTime.ToInstant(request.Date, s.Start), BusinessTime.ToInstant(request.Date, s.End), s.Capacity, s.OnsiteSeats))
            .ToList();
        var sessionId = $"{request.PhysicianId}-{request.Date:yyyyMMdd}-{request.Period}".ToLowerInvariant();
        var session = new SessionRecord(
            sessionId, institutionId, request.Department, request.PhysicianId, request.PhysicianName, request.Date, request.Period, slots, request.FeeFen,
            BusinessTime.ToInstant(request.Date.AddDays(-request.OpensDaysAhead), request.OpensAt),
            TimeSpan.FromMinutes(request.CancellationCutoffMinutes),
            slots[0].StartsAt - TimeSpan.FromMinutes(request.OnsiteReleaseMinutesBefore),
            OnsiteReleased: false,
            caller.Subject,
            time.GetUtcNow());

        if (!(await store.CreateAsync(BookingContainers.Sessions, institutionId, sessionId, session, cancellationToken)).Succeeded)
        {
            throw DomainException.Conflict("session-exists", "This physician already has a session published for that date and period.");
        }

        await store.CreateAsync(
            BookingContainers.SessionIndex, BusinessTime.DateKey(request.Date), $"{institutionId}:{sessionId}",
            new SessionIndexRecord(sessionId, institutionId, session.EndsAt, session.OnsiteReleaseAt, false, false),
            cancellationToken);
        return await ToViewAsync(session, cancellationToken);
    }

    public async Task<IReadOnlyList<SessionView>> SearchAsync(string institutionId, string? department, string? physicianId, DateOnly? date, CancellationToken cancellationToken = default)
    {
        var query = PartitionQuery.All;
        if (!string.IsNullOrEmpty(department))
        {
            query = query.WhereEquals("department", department);
        }

        if (!string.IsNullOrEmpty(physicianId))
        {
            query = query.WhereEquals("physicianId", physicianId);
        }

        if (date is { } day)
        {
            query = query.WhereEquals("date", BusinessTime.DateKey(day));
        }

        var sessions = await store.QueryAsync<SessionRecord>(BookingContainers.Sessions, institutionId, query.OrderedBy("date").Take(200), cancellationToken);
        var views = new List<SessionView>();
        foreach (var session in sessions)
        {
            views.Add(await ToViewAsync(session.Value, cancellationToken));
        }

        return views;
    }

    public async Task<SessionRecord> GetAsync(string institutionId, string sessionId, CancellationToken cancellationToken = default) =>
        (await store.ReadAsync<SessionRecord>(BookingContainers.Sessions, institutionId, sessionId, cancellationToken))?.Value
        ?? throw DomainException.NotFound("session-not-found", "No such session at this institution.");

    private async Task<SessionView> ToViewAsync(SessionRecord session, CancellationToken cancellationToken)
    {
        var slots = new List<SlotView>();
        foreach (var slot in session.Slots)
        {
            var taken = (await store.ListIdsAsync(BookingContainers.Seats, BookingContainers.SeatPartition(session.SessionId, slot.SlotId), cancellationToken))
                .Select(SeatNumberOf).ToHashSet();
            var onlineFree = Enumerable.Range(1, slot.OnlineSeats).Count(n => !taken.Contains(n));
            var onsiteFree = Enumerable.Range(slot.OnlineSeats + 1, slot.OnsiteSeats).Count(n => !taken.Contains(n));
            slots.Add(new SlotView(slot.SlotId, slot.Start, slot.End, slot.Capacity, slot.OnsiteSeats, onlineFree + (session.OnsiteReleased ? onsiteFree : 0), session.OnsiteReleased ? 0 : onsiteFree));
        }

        return new SessionView(session.SessionId, session.InstitutionId, session.Department, session.PhysicianId, session.PhysicianName, session.Date, session.Period,
            session.FeeFen, session.BookingOpensAt, session.OnsiteReleaseAt, session.OnsiteReleased, slots);
    }

    internal static int SeatNumberOf(string seatId) => int.Parse(seatId.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture);

    private static void Validate(PublishSession request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Slots.Count is 0 or > 48)
        {
            errors["slots"] = ["A session has 1 to 48 slots."];
        }

        for (var i = 0; i < request.Slots.Count; i++)
        {
            var slot = request.Slots[i];
            if (slot.End <= slot.Start)
            {
                errors[$"slots[{i}].end"] = ["A slot ends after it starts."];
            }

            if (slot.Capacity is < 1 or > 1000)
            {
                errors[$"slots[{i}].capacity"] = ["Capacity is 1 to 1000."];
            }

            if (slot.OnsiteSeats < 0 || slot.OnsiteSeats > slot.Capacity)
            {
                errors[$"slots[{i}].onsiteSeats"] = ["On-site seats are 0 to the capacity."];
            }
        }

        var ordered = request.Slots.OrderBy(s => s.Start).ToList();
        if (ordered.Zip(ordered.Skip(1)).Any(pair => pair.Second.Start < pair.First.End))
        {
            errors["slots"] = ["Slots must not overlap."];
        }

        if (request.FeeFen < 0)
        {
            errors["feeFen"] = ["The fee is not negative."];
        }

        if (request.OpensDaysAhead is < 0 or > 90)
        {
            errors["opensDaysAhead"] = ["Booking opens 0 to 90 days ahead."];
        }

        if (request.CancellationCutoffMinutes is < 0 or > 10080)
        {
            errors["cancellationCutoffMinutes"] = ["The cancellation cut-off is 0 to 10080 minutes before the slot."];
        }

        if (request.OnsiteReleaseMinutesBefore is < 0 or > 10080)
        {
            errors["onsiteReleaseMinutesBefore"] = ["On-site seats are released 0 to 10080 minutes before the session."];
        }

        if (errors.Count > 0)
        {
            throw DomainException.Validation("invalid-session", "The session is not valid.", errors);
        }
    }
}
