import FuzzHarness

/// libFuzzer's entry for the 'expression' target (see FuzzTarget.expression); built only with SOCKLAB_FUZZ=1.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.fuzzOne(.expression, data, size)
}
