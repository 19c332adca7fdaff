import DriftwatchCore
import Logging
import PostgresNIO

/// The central role's lease (`fleet_central`, migration 2): one row, held by one `run --role central` process at a
/// time until `expires_at`, renewed by its holder every pass; another central takes it only once it has expired.
/// PostgreSQL's clock decides, so the centrals' clocks do not matter. The row also carries the leader's alert state
/// (what it notified), so a successor does not notify the same incidents again (docs/fleet.md).
extension FleetStore {
    /// Takes the lease, or renews it when `holder` has it: true when `holder` holds it for `ttl` from now.
    public func acquireLease(holder: String, ttl: Duration) async throws -> Bool {
        let seconds = Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18
        do {
            var held = false
            let rows = try await client.query("""
                INSERT INTO fleet_central (name, holder, acquired_at, expires_at)
                VALUES ('central', \(holder), now(), now() + \(seconds) * interval '1 second')
                ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
                    acquired_at = CASE WHEN fleet_central.holder = EXCLUDED.holder THEN fleet_central.acquired_at ELSE now() END
                WHERE fleet_central.holder = EXCLUDED.holder OR fleet_central.expires_at < now()
                RETURNING holder
                """, logger: logger)
            for try await h in rows.decode(String.self) { held = h == holder }
            return held
        } catch {
            throw failure("taking the central lease", error)
        }
    }

    /// Who holds the lease and for how long (microseconds since 1970, PostgreSQL's clock); nil when nobody ever took it.
    public func leaseHolder() async throws -> (holder: String, expiresAtMicros: Int64, expired: Bool)? {
        do {
            var out: (String, Int64, Bool)?
            let rows = try await client.query("""
                SELECT holder, (extract(epoch from expires_at) * 1000000)::bigint, expires_at < now() FROM fleet_central WHERE name = 'central'
                """, logger: logger)
            for try await row in rows.decode((String, Int64, Bool).self) { out = row }
            return out
        } catch {
            throw failure("reading the central lease", error)
        }
    }

    /// Lets the lease go at a graceful shutdown, so a standby takes over on its next pass rather than at expiry.
    public func releaseLease(holder: String) async throws {
        do {
            try await client.query("UPDATE fleet_central SET expires_at = now() WHERE name = 'central' AND holder = \(holder)", logger: logger)
        } catch {
            throw failure("releasing the central lease", error)
        }
    }

    /// Stores the leader's alert state; only while `holder` still holds an unexpired lease (a central that lost it
    /// while paused must not overwrite its successor's). True when stored.
    public func publishAlertState(_ state: String, holder: String) async throws -> Bool {
        do {
            var stored = false
            let rows = try await client.query("""
                UPDATE fleet_central SET alert_state = \(state) WHERE name = 'central' AND holder = \(holder) AND expires_at > now()
                RETURNING holder
                """, logger: logger)
            for try await _ in rows.decode(String.self) { stored = true }
            return stored
        } catch {
            throw failure("storing the central's alert state", error)
        }
    }

    /// The alert state the last leader stored; nil when none.
    public func sharedAlertState() async throws -> String? {
        do {
            var state: String?
            for try await s in try await client.query("SELECT alert_state FROM fleet_central WHERE name = 'central'", logger: logger).decode(String?.self) {
                state = s
            }
            return state
        } catch {
            throw failure("reading the central's alert state", error)
        }
    }

    /// Shipments received from every node so far: the central re-analyses when it moves.
    public func shipmentCount() async throws -> Int64 {
        do {
            var n: Int64 = 0
            for try await v in try await client.query("SELECT coalesce(sum(shipments), 0)::bigint FROM fleet_nodes", logger: logger).decode(Int64.self) { n = v }
            return n
        } catch {
            throw failure("reading the nodes' shipments", error)
        }
    }
}
