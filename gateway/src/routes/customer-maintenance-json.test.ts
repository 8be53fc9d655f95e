import { customerMaintenanceV1 } from '@liaison/contracts';
import { mergeRequestFromJson, notificationRequestFromJson, shareToJson } from './customer-maintenance-json';

describe('maintenance JSON mapping', () => {
  it('turns the JSON field names of a merge into update mask paths', () => {
    const request = mergeRequestFromJson({
      survivorId: 'a',
      survivorVersion: 3,
      mergedId: 'b',
      mergedVersion: 1,
      takeFields: ['starRating', 'region', 'customFields'],
      reason: '重复',
    });
    expect(request).toEqual({
      survivorId: 'a',
      survivorExpectedVersion: 3,
      mergedId: 'b',
      mergedExpectedVersion: 1,
      takeFields: ['star_rating', 'region', 'custom_fields'],
      reason: '重复',
    });
  });

  it('maps channels and leaves absent texts empty', () => {
    expect(notificationRequestFromJson({ customerIds: ['a'], channel: 'system', templateId: 'welcome' })).toEqual({
      customerIds: ['a'],
      channel: customerMaintenanceV1.CustomerNotificationChannel.CUSTOMER_NOTIFICATION_CHANNEL_SYSTEM,
      text: '',
      templateId: 'welcome',
      subject: '',
    });
  });

  it('shows a share without an author as null', () => {
    expect(shareToJson({ customerId: 'a', unit: '/Partners/Acme', shareTime: new Date('2026-01-01T00:00:00Z'), sharedBy: '' })).toEqual({
      customerId: 'a',
      unit: '/Partners/Acme',
      sharedAt: '2026-01-01T00:00:00.000Z',
      sharedBy: null,
    });
  });
});
