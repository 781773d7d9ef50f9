/**
 * Reports (browser-safe part): Vega-Lite specs and one self-contained HTML document built from
 * analysis results. Writing files lives in deepmine/node.
 */
export {};
