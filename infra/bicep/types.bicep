// Types shared by main.bicep and its modules.

@export()
@description('A partner (pharmacy, or any other consumer of alerts) reading events from one Service Bus subscription.')
type partner = {
  @description('Subscription name, e.g. the pharmacy id: pharmacy-001. 1-50 characters.')
  @minLength(1)
  @maxLength(50)
  name: string

  @description('Service Bus SQL filter selecting the messages for this partner, e.g. partnerid = \'pharmacy-001\' (event properties are lowercase letters and digits: they are CloudEvents extension attribute names too).')
  @minLength(1)
  filter: string

  @description('Object id of the partner\'s service principal (an app registration in its tenant or ours); given Azure Service Bus Data Receiver on this subscription only. Empty: no access yet.')
  principalId: string?

  @description('Topic the subscription is on. Default prescriptions; the city\'s SMS / WeChat gateway reads notifications.')
  topic: ('prescriptions' | 'alerts' | 'notifications')?
}

@export()
@description('Ids of the resident identity keys the app reads from Key Vault secrets (docs/operations.md, "Key rotation"). Ids are letters and digits.')
type identityKeyIds = {
  @description('Encryption key ids; each is secret identity-encryption-<id>. All decrypt; keep an id while any document encrypted with it exists.')
  @minLength(1)
  encryptionKeyIds: string[]

  @description('The encryption key id new values are encrypted with; one of encryptionKeyIds.')
  activeEncryptionKeyId: string

  @description('QR signing key ids; each is secret identity-qr-signing-<id>. All are published in the JWKS and verify.')
  @minLength(1)
  qrSigningKeyIds: string[]

  @description('The QR signing key id new health-code tokens are signed with; one of qrSigningKeyIds.')
  activeQrSigningKeyId: string
}

@export()
@description('Ids of the licensing authority\'s certificate signing keys the app reads from Key Vault secrets (docs/operations.md, "Key rotation"). Ids are letters and digits.')
type certificateKeyIds = {
  @description('Signing key ids; each is secret licensing-certificate-signing-<id> (base64 PKCS#8 ECDSA P-256). All verify; keep an id while any certificate signed with it is valid.')
  @minLength(1)
  signingKeyIds: string[]

  @description('The signing key id new certificates are signed with; one of signingKeyIds.')
  activeSigningKeyId: string
}

@export()
@description('Ids of the platform\'s dispense receipt signing keys the app reads from Key Vault secrets (docs/dispensing.md, "Keys"). Ids are letters and digits.')
type receiptKeyIds = {
  @description('Signing key ids; each is secret dispensing-receipt-signing-<id> (base64 PKCS#8 ECDSA P-256). All verify; keep an id while any receipt signed with it must be checked.')
  @minLength(1)
  signingKeyIds: string[]

  @description('The signing key id new receipts are signed with; one of signingKeyIds.')
  activeSigningKeyId: string
}
