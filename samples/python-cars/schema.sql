-- The participant's own tables, created at start-up when missing.

-- Cars of one class at one location on one day. reserved never exceeds capacity: the conditional update that takes a
-- car checks it, and so does this constraint.
CREATE TABLE IF NOT EXISTS car_inventory (
    location  text    NOT NULL,
    car_class text    NOT NULL,
    day       date    NOT NULL,
    capacity  integer NOT NULL,
    reserved  integer NOT NULL DEFAULT 0,
    -- Serves the reserve and cancel updates, which look slots up by location, class and a range of days.
    PRIMARY KEY (location, car_class, day),
    CONSTRAINT car_inventory_reserved_within_capacity CHECK (reserved >= 0 AND reserved <= capacity)
);

-- The barrier: the one answer given to each booking, written in the transaction that applies its command. The key
-- makes a second Reserve or Cancel of a booking (a redelivery, a resend, a concurrent copy) find this row instead of
-- applying again; a Cancel that comes first leaves a Cancelled row, so a late Reserve is refused.
CREATE TABLE IF NOT EXISTS car_reservations (
    booking_id uuid        PRIMARY KEY,
    location   text,
    car_class  text,
    pick_up    date,
    days       integer     NOT NULL DEFAULT 0,
    status     text        NOT NULL CHECK (status IN ('Reserved', 'Refused', 'Cancelled')),
    reason     text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
