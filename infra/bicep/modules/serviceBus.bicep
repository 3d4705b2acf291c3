// Service Bus (Standard): the topics events leave the system on, and one SQL-filtered
// subscription per partner. A partner principal gets Azure Service Bus Data Receiver on its
// own subscription only, so it can read nothing routed to anyone else. Keys are off
// (disableLocalAuth): senders and receivers authenticate with Entra ID.

import { partner } from '../types.bicep'

@description('Namespace name.')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Topic names.')
param topicNames string[]

@description('One subscription per partner (see types.bicep).')
param partners partner[]

var receiverRoleId = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // Azure Service Bus Data Receiver

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topics 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = [
  for topicName in topicNames: {
    parent: namespace
    name: topicName
    properties: {
      // The app sets MessageId = CloudEvent id: a retried publish is dropped, not delivered twice.
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: 'PT1H'
      defaultMessageTimeToLive: 'P14D'
      supportOrdering: true
      enableBatchedOperations: true
    }
  }
]

resource subscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [
  for p in partners: {
    parent: topics[indexOf(topicNames, p.?topic ?? 'prescriptions')]
    name: p.name
    properties: {
      // Prescriptions carry SessionId = prescription id, so a pharmacy reads each one in order.
      requiresSession: (p.?topic ?? 'prescriptions') == 'prescriptions'
      deadLetteringOnMessageExpiration: true
      deadLetteringOnFilterEvaluationExceptions: true
      maxDeliveryCount: 10
      lockDuration: 'PT1M'
      defaultMessageTimeToLive: 'P14D'
    }
  }
]

// Replaces the catch-all rule Service Bus gives a new subscription ($Default, 1=1) with the
// partner's filter, so the subscription holds only messages meant for that partner.
resource filters 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [
  for (p, i) in partners: {
    parent: subscriptions[i]
    name: '$Default'
    properties: {
      filterType: 'SqlFilter'
      sqlFilter: { sqlExpression: p.filter }
    }
  }
]

resource partnerReceivers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (p, i) in partners: if (!empty(p.?principalId ?? '')) {
    name: guid(subscriptions[i].id, p.?principalId ?? '', receiverRoleId)
    scope: subscriptions[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', receiverRoleId)
      principalId: p.?principalId ?? ''
      principalType: 'ServicePrincipal'
    }
  }
]

output name string = namespace.name
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '/')[2], ':')[0]
