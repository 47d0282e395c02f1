/**
 * The renderer's words in the UI's three languages. Renderers run in the notebook's webview,
 * which has no vscode.l10n, so the table is here and the language comes from the extension
 * (vscode.env.language, asked for at activation: shared/rendererLanguage.ts); until it answers,
 * or where no extension does, from the webview's navigator.language, which Electron sets from
 * VS Code's display language on Windows and Linux.
 */
export type RendererLanguage = 'en' | 'th' | 'vi';

export interface RendererStrings {
  /** The toolbar's accessible name. */
  readonly toolbar: string;
  readonly svgTitle: string;
  readonly pngTitle: string;
  /** The light-colours toggle's label and its tooltip. */
  readonly light: string;
  readonly lightTitle: string;
  readonly saving: string;
  saved(path: string): string;
  notSaved(reason: string): string;
  cannotDraw(reason: string): string;
  /** The error of a spec that asks for data from a URL or file (offlineLoader.ts). */
  refused(uri: string): string;
  readonly noSpec: string;
  readonly notAnObject: string;
}

const STRINGS: Record<RendererLanguage, RendererStrings> = {
  en: {
    toolbar: 'Chart',
    svgTitle: 'Save this chart as an SVG file',
    pngTitle: 'Save this chart as a PNG image',
    light: 'Light',
    lightTitle: 'Draw in light colours on white, for export',
    saving: 'Saving…',
    saved: (path) => `Saved ${path}`,
    notSaved: (reason) => `Not saved: ${reason}`,
    cannotDraw: (reason) => `Cannot draw this chart: ${reason}`,
    refused: (uri) => `InitLab charts load nothing from outside the notebook (refused: ${uri})`,
    noSpec: 'This InitLab chart output has no spec.',
    notAnObject: 'A Vega-Lite spec must be a JSON object.',
  },
  th: {
    toolbar: 'แผนภูมิ',
    svgTitle: 'บันทึกแผนภูมินี้เป็นไฟล์ SVG',
    pngTitle: 'บันทึกแผนภูมินี้เป็นภาพ PNG',
    light: 'สีอ่อน',
    lightTitle: 'วาดด้วยสีอ่อนบนพื้นขาว สำหรับส่งออก',
    saving: 'กำลังบันทึก…',
    saved: (path) => `บันทึกแล้วที่ ${path}`,
    notSaved: (reason) => `ไม่ได้บันทึก: ${reason}`,
    cannotDraw: (reason) => `วาดแผนภูมินี้ไม่ได้: ${reason}`,
    refused: (uri) => `แผนภูมิ InitLab ไม่โหลดสิ่งใดจากนอกโน้ตบุ๊ก (ปฏิเสธ: ${uri})`,
    noSpec: 'ผลลัพธ์แผนภูมิ InitLab นี้ไม่มี spec',
    notAnObject: 'spec ของ Vega-Lite ต้องเป็นออบเจกต์ JSON',
  },
  vi: {
    toolbar: 'Biểu đồ',
    svgTitle: 'Lưu biểu đồ này thành tệp SVG',
    pngTitle: 'Lưu biểu đồ này thành ảnh PNG',
    light: 'Sáng',
    lightTitle: 'Vẽ bằng màu sáng trên nền trắng, để xuất ra',
    saving: 'Đang lưu…',
    saved: (path) => `Đã lưu ${path}`,
    notSaved: (reason) => `Chưa lưu: ${reason}`,
    cannotDraw: (reason) => `Không vẽ được biểu đồ này: ${reason}`,
    refused: (uri) => `Biểu đồ InitLab không tải gì từ bên ngoài notebook (đã từ chối: ${uri})`,
    noSpec: 'Đầu ra biểu đồ InitLab này không có spec.',
    notAnObject: 'Spec Vega-Lite phải là một object JSON.',
  },
};

/** The UI language for a BCP 47 tag or VS Code language id ("th", "vi-VN", "en-us", "zh-cn"): English unless Thai or Vietnamese. */
export function languageOf(tag: string | undefined): RendererLanguage {
  const primary = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  return primary === 'th' || primary === 'vi' ? primary : 'en';
}

export function rendererStrings(language: RendererLanguage): RendererStrings {
  return STRINGS[language];
}
