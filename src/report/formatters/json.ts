/** The report as data: exactly the `Report` object, described by schemas/report.schema.json. */
import { jsonText } from '../escape';
import type { Report } from '../../engine/findings';
import type { FormatContext } from './index';

export function format(report: Report, _ctx: FormatContext): string {
  return `${jsonText(report)}\n`;
}
