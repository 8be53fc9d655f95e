-- CUS-13 customer care (客户关怀) reaching the customer: a care rule may greet the customer by SMS
-- and/or e-mail at a time of day, and each care alert records that greeting when it is raised, so
-- messaging sends exactly what the rule said then, to whom it applied then.

ALTER TABLE customer_alert_rules
  -- Empty = only the reminder to the owner.
  ADD COLUMN channels   text[] NOT NULL DEFAULT '{}' CHECK (channels <@ ARRAY['sms', 'email']),
  -- China time of day on the due date; care rules only.
  ADD COLUMN send_time  time,
  -- The template, with {customer} and {contact} placeholders.
  ADD COLUMN message    text CHECK (char_length(message) BETWEEN 1 AND 300);

UPDATE customer_alert_rules SET send_time = '09:00' WHERE kind IN ('contact_birthday', 'fixed_date', 'deal_anniversary');

ALTER TABLE customer_alert_rules
  ADD CONSTRAINT customer_alert_rules_care_delivery CHECK (
    CASE WHEN kind IN ('contact_birthday', 'fixed_date', 'deal_anniversary')
      THEN send_time IS NOT NULL AND (cardinality(channels) = 0 OR message IS NOT NULL)
      ELSE send_time IS NULL AND cardinality(channels) = 0 AND message IS NULL
    END);

-- The greeting of a care alert raised by a rule with channels; all NULL otherwise. The recipient
-- is a contact (recipient_contact_id) or, for a customer without live contacts, the customer.
ALTER TABLE customer_alerts
  ADD COLUMN delivery_channels       text[],
  ADD COLUMN undeliverable_channels  text[],
  ADD COLUMN send_at                 timestamptz,
  ADD COLUMN recipient_contact_id    uuid,
  ADD COLUMN recipient_name          text,
  ADD COLUMN recipient_phone         text,
  ADD COLUMN recipient_email         text,
  ADD COLUMN delivery_message        text,
  ADD CONSTRAINT customer_alerts_delivery CHECK (
    (delivery_channels IS NULL) = (send_at IS NULL)
    AND (delivery_channels IS NULL) = (undeliverable_channels IS NULL)
    AND (delivery_channels IS NULL) = (delivery_message IS NULL)
    AND (delivery_channels IS NULL OR kind = 'care'));
