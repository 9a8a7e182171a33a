import Model

/// The part of a `RunBuilder` that only a process of more than its Environment line fills in.
///
/// A log can hold a process per line (100 MB of `Environment '...' is active`, 1.47 M of them):
/// each such process used to initialize and free all of these fields. Now it sets one tag, and
/// the fields are made the first time one is written; reading one before that gives its default.
struct RunDetails {
    var installEnd: LineMark?
    var runningJob: LineMark?
    var force: LineMark?
    var boundaries: [LogBoundary: LineMark] = [:]
    /// The target's last line so far, unshortened: a `LineMark` is made only when a state line needs it.
    var lastTargetLine: (number: Int, timestamp: Timestamp?, event: String)?
    var tap: String?
    var mappers: [String] = []
    var target: String?
    var readers: [ReaderCounts] = []
    var readerLineCount = 0
    /// The last `Reader` line of the target, and the last of any plugin while none had a role:
    /// kept apart from `readers`, which holds only the first few.
    var lastTargetReader: ReaderCounts?
    var lastReader: ReaderCounts?
    var everyReaderRoleless = true
    var stateBackendLines: [LineMark] = []
    var stateBackendLineCount = 0
    var mapperLinesNotListed = 0
    var errorLines: [Int] = []
    var errorLineCount = 0
    var blockSuccess: Bool?
    var blockError: String?
    var extractLoadComplete = false
    var failure: LineMark?
    /// Lines where the clock went backwards, inside this process (the first few).
    var backwardsAt: [Int] = []
    /// The last line where it went backwards once `backwardsAt` is full.
    var lastBackwardsBeyondKept: Int?
    var interleaving: String?
    var notes: [LogDiagnostic] = []
}

extension RunBuilder {
    var installEnd: LineMark? {
        get { details?.installEnd ?? nil }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.installEnd
        }
    }

    var runningJob: LineMark? {
        get { details?.runningJob ?? nil }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.runningJob
        }
    }

    var force: LineMark? {
        get { details?.force ?? nil }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.force
        }
    }

    var boundaries: [LogBoundary: LineMark] {
        get { details?.boundaries ?? [:] }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.boundaries
        }
    }

    var lastTargetLine: (number: Int, timestamp: Timestamp?, event: String)? {
        get { details?.lastTargetLine ?? nil }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.lastTargetLine
        }
    }

    var tap: String? {
        get { details?.tap ?? nil }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.tap
        }
    }

    var mappers: [String] {
        get { details?.mappers ?? [] }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.mappers
        }
    }

    var target: String? {
        get { details?.target ?? nil }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.target
        }
    }

    var readers: [ReaderCounts] {
        get { details?.readers ?? [] }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.readers
        }
    }

    var readerLineCount: Int {
        get { details?.readerLineCount ?? 0 }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.readerLineCount
        }
    }

    var lastTargetReader: ReaderCounts? {
        get { details?.lastTargetReader ?? nil }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.lastTargetReader
        }
    }

    var lastReader: ReaderCounts? {
        get { details?.lastReader ?? nil }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.lastReader
        }
    }

    var everyReaderRoleless: Bool {
        get { details?.everyReaderRoleless ?? true }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.everyReaderRoleless
        }
    }

    var stateBackendLines: [LineMark] {
        get { details?.stateBackendLines ?? [] }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.stateBackendLines
        }
    }

    var stateBackendLineCount: Int {
        get { details?.stateBackendLineCount ?? 0 }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.stateBackendLineCount
        }
    }

    var mapperLinesNotListed: Int {
        get { details?.mapperLinesNotListed ?? 0 }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.mapperLinesNotListed
        }
    }

    var errorLines: [Int] {
        get { details?.errorLines ?? [] }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.errorLines
        }
    }

    var errorLineCount: Int {
        get { details?.errorLineCount ?? 0 }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.errorLineCount
        }
    }

    var blockSuccess: Bool? {
        get { details?.blockSuccess ?? nil }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.blockSuccess
        }
    }

    var blockError: String? {
        get { details?.blockError ?? nil }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.blockError
        }
    }

    var extractLoadComplete: Bool {
        get { details?.extractLoadComplete ?? false }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.extractLoadComplete
        }
    }

    var failure: LineMark? {
        get { details?.failure ?? nil }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.failure
        }
    }

    var backwardsAt: [Int] {
        get { details?.backwardsAt ?? [] }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.backwardsAt
        }
    }

    var lastBackwardsBeyondKept: Int? {
        get { details?.lastBackwardsBeyondKept ?? nil }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.lastBackwardsBeyondKept
        }
    }

    var interleaving: String? {
        get { details?.interleaving ?? nil }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.interleaving
        }
    }

    var notes: [LogDiagnostic] {
        get { details?.notes ?? [] }
        _modify {
            if details == nil { details = RunDetails() }
            yield &details!.notes
        }
    }
}
