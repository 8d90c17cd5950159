// One benchmark figure as bench/results.json keeps it: {"name": {"value", "unit", "note"}}.
export interface Figure {
  value: number;
  unit: string;
  note: string;
}

export type Figures = Record<string, Figure>;
