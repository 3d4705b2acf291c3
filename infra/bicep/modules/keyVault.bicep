// Key Vault in RBAC mode (no access policies) with soft delete and purge protection: a
// deleted vault or key can be recovered for 90 days and cannot be purged early. It holds the
// resident-ID encryption key and the token / QR signing keys; the keys never leave the vault
// (not exportable), the app calls wrap/unwrap and sign/verify with its managed identity.

@description('Vault name (3-24 characters).')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Keys to create; each rotates itself per its rotation policy. Old versions stay enabled, so data encrypted or signed with them still reads.')
param keys object[] = [
  {
    name: 'id-encryption'
    kty: 'RSA'
    keySize: 3072
    keyOps: ['wrapKey', 'unwrapKey', 'encrypt', 'decrypt']
    rotateAfter: 'P1Y'
  }
  {
    name: 'token-signing'
    kty: 'EC'
    curveName: 'P-256'
    keyOps: ['sign', 'verify']
    rotateAfter: 'P90D'
  }
  {
    name: 'qr-signing'
    kty: 'EC'
    curveName: 'P-256'
    keyOps: ['sign', 'verify']
    rotateAfter: 'P90D'
  }
]

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource vaultKeys 'Microsoft.KeyVault/vaults/keys@2023-07-01' = [
  for key in keys: {
    parent: vault
    name: key.name
    properties: {
      kty: key.kty
      keySize: key.?keySize
      curveName: key.?curveName
      keyOps: key.keyOps
      attributes: {
        enabled: true
        exportable: false
      }
      rotationPolicy: {
        lifetimeActions: [
          {
            trigger: { timeAfterCreate: key.rotateAfter }
            action: { type: 'rotate' }
          }
        ]
      }
    }
  }
]

output name string = vault.name
output uri string = vault.properties.vaultUri
