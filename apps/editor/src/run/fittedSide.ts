/** In a narrow window the inputs and stages give up room down to this, so the results keep some. */
const SIDE_NARROW = 400;
const RESULTS_NARROW = 280;

/** The inputs-and-stages width actually drawn: the chosen one, unless the panel is too narrow to leave the results their room. */
export function fittedSide(side: number, width: number): number {
  if (width <= 0) return side;
  return Math.max(SIDE_NARROW, Math.min(side, width - RESULTS_NARROW));
}
