import Foundation
import Model

/// Step 7: every STATE message: the `runs.payload` UPDATE, then the state update.
struct StateWriteStep: InvocationStep {
    let padder: CostPadder
    let state: StateWork

    var phase: Phase { .stateWrites }

    func runs(for run: InvocationState) -> Bool { run.succeeded && state.messages > 0 }

    func units(for run: InvocationState) -> StepUnits {
        StepUnits(done: state.messagesWritten, production: state.messages)
    }

    func perform(_ run: InvocationState, prepared: Void) throws {
        let spec = run.spec
        let stream = Self.jsonString(spec.job)
        for m in 0..<state.messagesWritten {
            let payload = Self.statePayload(stream: stream, message: m)
            // One STATE message: its JSON (decoded and re-encoded for the store) and its statements.
            let receipt = try padder.padStatements(of: run.database, jsonMessages: 1, ledger: run.ledger) {
                try run.database.updateRunPayload(
                    runRowID: run.runRowID, payload: "{\"singer_state\":\(payload)}", flags: 1)
                return try run.store.set(stateID: spec.stateID, completed: payload, partial: nil)
            }
            run.lockWaits += receipt.lockWaits
            run.stateWrites += 1
            if let document = receipt.storedDocument {
                run.lastWrite = LastStateWrite(
                    stateID: spec.stateID, sequence: receipt.writeSequence, document: document)
            }
        }
    }

    /// A Singer STATE value that advances with each message; `stream` is already a JSON string literal.
    static func statePayload(stream: String, message: Int) -> String {
        let time = String(format: "%02d:%02d", message / 60 % 60, message % 60)
        return "{\"bookmarks\":{\(stream):{\"replication_key\":\"updated_at\","
            + "\"replication_key_value\":\"2026-01-08T00:\(time)Z\",\"message\":\(message)}}}"
    }

    /// `text` as a JSON string literal: a job's name is the user's and may hold quotes or control characters.
    static func jsonString(_ text: String) -> String {
        guard let data = try? JSONEncoder().encode(text), let literal = String(data: data, encoding: .utf8) else {
            return "\"\""
        }
        return literal
    }
}
