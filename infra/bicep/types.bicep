// Types shared by main.bicep and its modules.

@export()
@description('A partner (pharmacy, or any other consumer of alerts) reading events from one Service Bus subscription.')
type partner = {
  @description('Subscription name, e.g. the pharmacy id: pharmacy-001. 1-50 characters.')
  @minLength(1)
  @maxLength(50)
  name: string

  @description('Service Bus SQL filter selecting the messages for this partner, e.g. partnerId = \'pharmacy-001\'.')
  @minLength(1)
  filter: string

  @description('Object id of the partner\'s service principal (an app registration in its tenant or ours); given Azure Service Bus Data Receiver on this subscription only. Empty: no access yet.')
  principalId: string?

  @description('Topic the subscription is on. Default prescriptions.')
  topic: ('prescriptions' | 'alerts')?
}
