using System.Net;
using System.Text.Json.Nodes;
using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform.Auth;

namespace HealthServerless.LocalHost.Demo;

/// <summary>
/// The settlement part of the demo, through the API: staff enrol the demo citizen as an employee
/// in service (account balance 300 yuan; this year's deductible already met elsewhere, 120 yuan
/// of fund used), the dispensed prescription is billed, and the bill is settled with the fund
/// and the personal account paying it all, so it needs no payment provider. The bill id comes
/// from the prescription, so a later run finds it paid and does nothing.
/// </summary>
internal sealed class DemoSettlementSeeder(DemoSeeder api, LocalTokenIssuer issuer)
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(15);

    public async Task<SettlementSeeded> SeedAsync(string codeId, string prescriptionId, CancellationToken cancellationToken)
    {
        var staff = issuer.Mint(DemoData.Staff, [Roles.Staff], new Dictionary<string, string> { [ScopeClaims.InstitutionId] = DemoData.InstitutionId }, TokenLifetime);
        var citizen = issuer.Mint(DemoData.Citizen, [Roles.Citizen], null, TokenLifetime);
        var bill = (await api.SendAsync(HttpMethod.Post, "/api/bills", citizen, DemoSeeder.Json(new JsonObject { ["source"] = "Prescription", ["id"] = prescriptionId }),
            $"demo-bill-{prescriptionId}", cancellationToken)).Expect(HttpStatusCode.Created).AsObject();
        var billId = (string)bill["billId"]!;
        if ((string?)bill["status"] == "Open")
        {
            var enrolment = new JsonObject
            {
                ["scheme"] = "EmployeeInService",
                ["accountBalanceFen"] = 30_000,
                ["yearToDate"] = new JsonObject { ["deductibleUsedFen"] = 80_000, ["fundPaidFen"] = 12_000 },
            };
            (await api.SendAsync(HttpMethod.Put, $"/api/insured-persons/{codeId}", staff, DemoSeeder.Json(enrolment), null, cancellationToken)).Expect(HttpStatusCode.OK);
            bill = (await api.SendAsync(HttpMethod.Post, $"/api/bills/{billId}/settlement", citizen, DemoSeeder.Json(new JsonObject { ["useAccount"] = true }),
                $"demo-settle-{billId}", cancellationToken)).Expect(HttpStatusCode.OK).AsObject();
        }

        var s = bill["settlement"]!;
        return new SettlementSeeded(billId, (string)bill["status"]!, (long)s["totalFen"]!, (long)s["fundFen"]!, (long)s["accountFen"]!, (long)s["cashFen"]!, (string)s["policyVersion"]!);
    }
}

internal sealed record SettlementSeeded(string BillId, string Status, long TotalFen, long FundFen, long AccountFen, long CashFen, string PolicyVersion);
