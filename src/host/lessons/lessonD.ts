/**
 * Lesson D, continuing lessons A and C past the std of each layer: the order/chaos phases of
 * mean-field theory for ReLU, tanh and sigmoid (q*, χ₁, ξ_c, the phase diagram, a user's own
 * model on it), the whole singular-value spectrum of the input-output Jacobian (dynamical
 * isometry with orthogonal weights, and why ReLU cannot reach it), and what width does to the
 * first training steps (standard parametrization against μP). Written for InitLab.
 * English, Thai and Vietnamese; the code is shared.
 *
 * Over 400 lines because it is one lesson: each cell's prose in three languages sits beside the
 * code it explains, as in the other lessons.
 */
import { md, ts, type Lesson } from './lesson';

export const lessonD: Lesson = {
  id: 'd',
  languages: ['en', 'th', 'vi'],
  title: {
    en: 'Lesson D: beyond the variance (the edge of chaos, dynamical isometry, width)',
    th: 'บทเรียน D: มากกว่าความแปรปรวน (ขอบแห่งความโกลาหล ไอโซเมตรีเชิงพลวัต และความกว้าง)',
    vi: 'Bài D: vượt ra ngoài phương sai (biên hỗn loạn, đẳng cự động lực, độ rộng)',
  },
  cells: [
    md(
      'intro',
      `
# Beyond the variance

Lessons A and C followed one number per layer, the std of the activations and of the gradients, and watched it explode or vanish with depth unless every layer's gain was right. Keeping that number steady is necessary, and it is not enough. This lesson looks at three things the std does not see:

1. **The edge of chaos.** What a deep network does to two *different* inputs. Mean-field theory (Poole et al. 2016, Schoenholz et al. 2017) gives each activation an *ordered* phase, where all inputs end up alike, a *chaotic* phase, where nearby inputs are torn apart, and a critical line between them; it also says how deep a network can be and still train.
2. **Dynamical isometry.** Not the mean of the input–output Jacobian's squared singular values, but all of them (Pennington, Schoenholz and Ganguli 2017). tanh with orthogonal weights at the critical point keeps them all near 1; ReLU cannot, whatever its weights.
3. **Width.** Under the standard parametrization, the first training steps move a wider network's activations further; μP (Yang and Hu 2021) scales the initialization and the learning rates so that they do not.

Run the cells in order (or **Run All**); every figure is computed live, and the whole lesson takes under a minute.`,
      {
        th: `
# มากกว่าความแปรปรวน

บทเรียน A และ C ติดตามตัวเลขเพียงตัวเดียวต่อชั้น คือ std ของค่ากระตุ้นและของเกรเดียนต์ และได้เห็นว่ามันระเบิดหรือหายไปตามความลึก เว้นแต่ gain ของทุกชั้นจะถูกต้อง การรักษาตัวเลขนี้ให้คงที่เป็นเงื่อนไขที่จำเป็น แต่ยังไม่พอ บทเรียนนี้ดูสามเรื่องที่ std มองไม่เห็น:

1. **ขอบแห่งความโกลาหล (edge of chaos)** โครงข่ายที่ลึกทำอะไรกับอินพุต*สองตัวที่ต่างกัน* ทฤษฎีสนามเฉลี่ย (mean-field theory; Poole และคณะ 2016, Schoenholz และคณะ 2017) บอกว่าฟังก์ชันกระตุ้นแต่ละแบบมี*เฟสเป็นระเบียบ* (ordered) ที่อินพุตทุกตัวกลายเป็นเหมือนกันหมด มี*เฟสโกลาหล* (chaotic) ที่อินพุตซึ่งใกล้กันถูกฉีกออกจากกัน และมีเส้นวิกฤตคั่นกลาง ทฤษฎีนี้ยังบอกด้วยว่าโครงข่ายลึกได้แค่ไหนจึงยังฝึกได้
2. **ไอโซเมตรีเชิงพลวัต (dynamical isometry)** ไม่ใช่แค่ค่าเฉลี่ยของกำลังสองของค่าเอกฐาน (singular values) ของเมทริกซ์จาโคเบียนจากอินพุตถึงเอาต์พุต แต่เป็นค่าเอกฐานทุกตัว (Pennington, Schoenholz และ Ganguli 2017) tanh ที่ใช้น้ำหนักแบบ orthogonal ณ จุดวิกฤตรักษาค่าเหล่านี้ทุกตัวไว้ใกล้ 1 ส่วน ReLU ทำไม่ได้ ไม่ว่าน้ำหนักจะเป็นแบบใด
3. **ความกว้าง** ภายใต้การกำหนดพารามิเตอร์แบบมาตรฐาน ก้าวแรก ๆ ของการฝึกขยับค่ากระตุ้นของโครงข่ายที่กว้างกว่าไปได้ไกลกว่า μP (Yang และ Hu 2021) ปรับสเกลของค่าเริ่มต้นและอัตราการเรียนรู้เพื่อไม่ให้เป็นเช่นนั้น

รันเซลล์ตามลำดับ (หรือกด **Run All**) ตัวเลขทุกตัวคำนวณสด และทั้งบทเรียนใช้เวลาไม่ถึงหนึ่งนาที`,
        vi: `
# Vượt ra ngoài phương sai

Bài A và bài C theo dõi một con số ở mỗi lớp, std của giá trị kích hoạt và của gradient, và thấy nó bùng nổ hoặc biến mất theo độ sâu trừ khi gain của mọi lớp đều đúng. Giữ cho con số đó ổn định là cần, nhưng chưa đủ. Bài này xem xét ba điều mà std không nhìn thấy:

1. **Biên hỗn loạn (edge of chaos).** Một mạng sâu làm gì với hai đầu vào *khác nhau*. Lý thuyết trường trung bình (mean-field theory; Poole và cộng sự 2016, Schoenholz và cộng sự 2017) cho mỗi hàm kích hoạt một pha *trật tự*, nơi mọi đầu vào trở nên giống nhau, một pha *hỗn loạn*, nơi các đầu vào gần nhau bị xé ra xa, và một đường tới hạn ở giữa; lý thuyết còn cho biết mạng sâu đến đâu thì vẫn huấn luyện được.
2. **Đẳng cự động lực (dynamical isometry).** Không chỉ trung bình bình phương các giá trị kỳ dị của ma trận Jacobi từ đầu vào đến đầu ra, mà là tất cả chúng (Pennington, Schoenholz và Ganguli 2017). tanh với trọng số trực giao tại điểm tới hạn giữ mọi giá trị kỳ dị gần 1; ReLU thì không thể, dù trọng số thế nào.
3. **Độ rộng.** Với cách tham số hóa chuẩn, những bước huấn luyện đầu tiên đẩy giá trị kích hoạt của mạng rộng hơn đi xa hơn; μP (Yang và Hu 2021) co giãn khởi tạo và tốc độ học để điều đó không xảy ra.

Hãy chạy các ô theo thứ tự (hoặc bấm **Run All**); mọi con số đều được tính trực tiếp, và cả bài chạy chưa đến một phút.`,
      },
    ),
    md(
      'setup-intro',
      `
## 0. One set of random numbers, many networks

Mean-field theory describes a deep network whose layers all have the same width, with weights drawn from N(0, σ_w²/width) and biases from N(0, σ_b²). σ_w² is lesson A's gain squared (He's σ_w² = 2 for ReLU; Xavier gives 1 on square layers, where fan_in = fan_out), σ_b² is the spread of the biases.

The cell below draws 30 layers of standard normal numbers Z once. Every network of sections 1 and 2 scales the same Z by σ_w/√width and the same bias draws by σ_b, so the networks differ only in σ_w², σ_b² and the activation. \`propagate\` pushes a few inputs through and returns, after each layer, each input's mean squared pre-activation **q** and the correlation **c** within each pair of inputs.`,
      {
        th: `
## 0. ตัวเลขสุ่มชุดเดียว หลายโครงข่าย

ทฤษฎีสนามเฉลี่ยอธิบายโครงข่ายลึกที่ทุกชั้นกว้างเท่ากัน น้ำหนักสุ่มจาก N(0, σ_w²/width) และไบแอสสุ่มจาก N(0, σ_b²) โดย σ_w² คือกำลังสองของ gain ในบทเรียน A (ของ He คือ σ_w² = 2 สำหรับ ReLU ส่วน Xavier ให้ 1 เมื่อชั้นเป็นสี่เหลี่ยมจัตุรัส คือ fan_in = fan_out) และ σ_b² คือความกระจายของไบแอส

เซลล์ถัดไปสุ่มตัวเลขจากแจกแจงปกติมาตรฐาน Z สำหรับ 30 ชั้นเพียงครั้งเดียว ทุกโครงข่ายในหัวข้อ 1 และ 2 ใช้ Z ชุดเดียวกันนี้คูณด้วย σ_w/√width และใช้ไบแอสชุดเดียวกันคูณด้วย σ_b โครงข่ายเหล่านั้นจึงต่างกันเพียง σ_w², σ_b² และฟังก์ชันกระตุ้น ฟังก์ชัน \`propagate\` ส่งอินพุตจำนวนหนึ่งผ่านโครงข่าย แล้วคืนค่าหลังแต่ละชั้น ได้แก่ค่าเฉลี่ยกำลังสองของพรีแอคติเวชัน (pre-activation) ของแต่ละอินพุต **q** และสหสัมพันธ์ **c** ภายในอินพุตแต่ละคู่`,
        vi: `
## 0. Một bộ số ngẫu nhiên, nhiều mạng

Lý thuyết trường trung bình mô tả một mạng sâu có mọi lớp cùng độ rộng, trọng số lấy từ N(0, σ_w²/width) và bias lấy từ N(0, σ_b²). σ_w² là bình phương gain của bài A (của He là σ_w² = 2 cho ReLU; Xavier cho 1 với lớp vuông, tức fan_in = fan_out), σ_b² là độ phân tán của bias.

Ô dưới đây lấy mẫu một lần duy nhất các số ngẫu nhiên Z theo phân phối chuẩn tắc cho 30 lớp. Mọi mạng ở mục 1 và 2 đều nhân cùng Z đó với σ_w/√width và cùng bộ bias với σ_b, nên các mạng chỉ khác nhau ở σ_w², σ_b² và hàm kích hoạt. \`propagate\` đưa vài đầu vào đi qua mạng và trả về, sau mỗi lớp, trung bình bình phương tiền kích hoạt (pre-activation) **q** của từng đầu vào và hệ số tương quan **c** trong từng cặp đầu vào.`,
      },
    ),
    ts(
      'setup',
      `
// 30 layers of standard normal numbers, drawn once: every network of sections 1 and 2 scales
// these same draws, W = σ_w · Z / √width and b = σ_b · zb.
const width = 400;
const depth = 30;
const Z = Array.from({ length: depth }, (_, l) => init.normal([width, width], 0, 1, { seed: l }));
const zb = Array.from({ length: depth }, (_, l) => init.normal([width], 0, 1, { seed: 1000 + l }));
const activations = { relu: tf.relu, tanh: tf.tanh, sigmoid: tf.sigmoid };
type Activation = keyof typeof activations;

/**
 * Pushes the rows of x through h¹ = x W¹ + b¹, hˡ = φ(hˡ⁻¹) Wˡ + bˡ and returns, after each
 * layer, mean-field theory's q and c measured over the units: the mean square of each row's
 * pre-activation, and the correlation within each pair of rows (rows 2k and 2k + 1).
 */
function propagate(x: tf.Tensor2D, activation: Activation, sigmaW2: number, sigmaB2: number) {
  return tf.tidy(() => {
    const layers: { q: number[]; c: number[] }[] = [];
    let h: tf.Tensor2D = x;
    for (let l = 0; l < depth; l++) {
      const input = l === 0 ? h : activations[activation](h);
      h = tf.add(tf.matMul(input, tf.mul(Z[l], Math.sqrt(sigmaW2 / width))), tf.mul(zb[l], Math.sqrt(sigmaB2)));
      const gram = tf.div(tf.matMul(h, h, false, true), width).arraySync() as number[][];
      const q = gram.map((row, i) => row[i]);
      const c = Array.from({ length: q.length / 2 }, (_, k) => gram[2 * k][2 * k + 1] / Math.sqrt(q[2 * k] * q[2 * k + 1]));
      layers.push({ q, c });
    }
    return layers;
  });
}

/**
 * \`count\` pairs of inputs (rows 2k and 2k + 1), each row of mean square 1 over the units, each
 * pair with correlation exactly c: two random directions made orthonormal, then mixed.
 */
function inputPairs(c: number, count: number, seed: number): tf.Tensor2D {
  const drawn = init.normal([2 * count, width], 0, 1, { seed });
  const rows = drawn.arraySync() as number[][];
  drawn.dispose();
  const dot = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i], 0) / width;
  const unit = (a: number[]) => a.map((v) => v / Math.sqrt(dot(a, a)));
  return tf.tensor2d(
    Array.from({ length: count }, (_, k) => {
      const u = unit(rows[2 * k]);
      const along = dot(rows[2 * k + 1], u);
      const v = unit(rows[2 * k + 1].map((value, i) => value - along * u[i]));
      return [u, u.map((value, i) => c * value + Math.sqrt(1 - c * c) * v[i])];
    }).flat(),
  );
}
console.log(\`\${depth} layers of \${width} × \${width} standard normal draws, shared by every network of sections 1 and 2\`);`,
    ),
    md(
      'recap-intro',
      `
## 1. Where lessons A and C left off

Each layer multiplies q by a factor that depends on σ_w² and on the activation. For ReLU the factor is exactly σ_w²/2 (ReLU keeps half the mean square of a symmetric input): σ_w² = 1 vanishes as 2⁻ˡ, σ_w² = 4 explodes as 2ˡ, and He's σ_w² = 2 holds. That is the explode/vanish of lessons A and C.

tanh is bounded, so it cannot explode: above σ_w² = 1 its q settles at a **fixed point q\\***. With σ_w² = (5/3)² ≈ 2.78, torch's gain for tanh, the std stays near 1 at every layer, and lesson A's verdict would call the network healthy. Section 2 shows that it is not.`,
      {
        th: `
## 1. ต่อจากที่บทเรียน A และ C ทิ้งไว้

แต่ละชั้นคูณ q ด้วยตัวคูณที่ขึ้นกับ σ_w² และฟังก์ชันกระตุ้น สำหรับ ReLU ตัวคูณนี้คือ σ_w²/2 พอดี (ReLU เก็บค่าเฉลี่ยกำลังสองของอินพุตที่สมมาตรไว้ได้ครึ่งหนึ่ง) σ_w² = 1 จึงหายไปแบบ 2⁻ˡ, σ_w² = 4 ระเบิดแบบ 2ˡ และ σ_w² = 2 ของ He คงที่ นี่คือการระเบิดและการหายไปในบทเรียน A และ C

tanh มีขอบเขต จึงระเบิดไม่ได้ เมื่อ σ_w² มากกว่า 1 ค่า q ของมันจะไปหยุดที่**จุดตรึง q\\*** (fixed point) เมื่อใช้ σ_w² = (5/3)² ≈ 2.78 ซึ่งเป็น gain ของ tanh ใน torch ค่า std จะอยู่ใกล้ 1 ในทุกชั้น และบทสรุปของบทเรียน A จะบอกว่าโครงข่ายนี้ดี หัวข้อ 2 จะแสดงว่ามันไม่ดี`,
        vi: `
## 1. Tiếp nối bài A và bài C

Mỗi lớp nhân q với một hệ số phụ thuộc vào σ_w² và hàm kích hoạt. Với ReLU hệ số đó đúng bằng σ_w²/2 (ReLU giữ lại một nửa trung bình bình phương của một đầu vào đối xứng): σ_w² = 1 biến mất theo 2⁻ˡ, σ_w² = 4 bùng nổ theo 2ˡ, còn σ_w² = 2 của He thì giữ nguyên. Đó chính là bùng nổ và biến mất của bài A và bài C.

tanh bị chặn nên không thể bùng nổ: khi σ_w² lớn hơn 1, q của nó dừng lại ở một **điểm bất động q\\*** (fixed point). Với σ_w² = (5/3)² ≈ 2,78, gain của torch cho tanh, std ở mọi lớp đều gần 1, và kết luận của bài A sẽ gọi mạng này là khỏe mạnh. Mục 2 cho thấy không phải vậy.`,
      },
    ),
    ts(
      'recap',
      `
// Lesson A's question on these networks: the std of the pre-activations, layer by layer.
const twoInputs = inputPairs(0.5, 1, 7);
const recapNets: [Activation, number][] = [['relu', 1], ['relu', 2], ['relu', 4], ['tanh', 0.5], ['tanh', 1], ['tanh', (5 / 3) ** 2]];
for (const [activation, sigmaW2] of recapNets) {
  const layers = propagate(twoInputs, activation, sigmaW2, 0);
  const std = (l: number) => Math.sqrt(layers[l - 1].q[0]);
  const perLayer = (std(depth) / std(1)) ** (1 / (depth - 1));
  const theory = activation === 'relu' ? \`, theory ×\${Math.sqrt(sigmaW2 / 2).toFixed(3)}\` : '';
  console.log(\`\${activation} σ_w² = \${sigmaW2.toFixed(2)}: std at layers 1, 10, 20, 30: \${[1, 10, 20, 30].map((l) => std(l).toPrecision(3)).join(', ')} (×\${perLayer.toFixed(3)} per layer\${theory})\`);
}
// tanh's fixed point at torch's gain, from the variance map.
const torchTanh = meanField({ activation: 'tanh', sigmaW: 5 / 3, grid: false });
console.log(\`tanh σ_w² = 2.78: q* = \${torchTanh.qStar!.toFixed(3)}, so theory's std is √q* = \${Math.sqrt(torchTanh.qStar!).toFixed(3)}\`);`,
    ),
    md(
      'chaos-intro',
      `
## 2. Two inputs: order and chaos

A network must also keep *different* inputs different. Push two inputs through the same network and follow the correlation c of their pre-activations. A wide layer sums many random terms, so its pre-activations are Gaussian, and mean-field theory follows two numbers per pair of inputs: their length q, which settles at q\\*, and their correlation c, which one layer changes by the **correlation map** c ↦ C(c). The map always keeps c = 1 (identical inputs stay identical), and its slope there,

**χ₁ = σ_w² · E[φ′(√q\\* · z)²]**, z ~ N(0, 1),

decides the phase:

- χ₁ < 1, **ordered**: c = 1 attracts. Different inputs become alike, the output stops depending on the input, and the gradient vanishes.
- χ₁ > 1, **chaotic**: c = 1 repels. Inputs that were nearly the same end up unrelated (c falls to some c\\* < 1); the output jumps with tiny changes of the input, and the gradient explodes.
- χ₁ = 1: the **edge of chaos** between the two.

χ₁ is also the factor by which each layer multiplies the gradient's mean square on the way back, so it is lesson B's story too: sigmoid′ ≤ 1/4 caps χ₁ at σ_w²/16.

The cell runs tanh with biases of σ_b² = 0.05 at three σ_w²: 1 (ordered), 1.76 (critical) and 4 (chaotic), on two kinds of input pairs: nearly identical (c = 0.99) and nearly unrelated (c = 0.2), eight pairs of each. The lines are the theory's correlation map, started from the first layer's expected q and c; the points are measured on the 400 units, each the mean over 8 pairs of its kind. They agree within about 0.1 at every layer.`,
      {
        th: `
## 2. อินพุตสองตัว: ความเป็นระเบียบและความโกลาหล

โครงข่ายยังต้องรักษาอินพุตที่*ต่างกัน*ให้ยังต่างกันอยู่ด้วย ลองส่งอินพุตสองตัวผ่านโครงข่ายเดียวกัน แล้วติดตามสหสัมพันธ์ c ของพรีแอคติเวชันของทั้งสอง ชั้นที่กว้างรวมพจน์สุ่มจำนวนมาก พรีแอคติเวชันจึงแจกแจงแบบปกติ และทฤษฎีสนามเฉลี่ยติดตามตัวเลขเพียงสองตัวต่ออินพุตหนึ่งคู่ คือความยาว q ซึ่งไปหยุดที่ q\\* และสหสัมพันธ์ c ซึ่งแต่ละชั้นเปลี่ยนตาม**การส่งสหสัมพันธ์** (correlation map) c ↦ C(c) การส่งนี้รักษา c = 1 ไว้เสมอ (อินพุตที่เหมือนกันยังคงเหมือนกัน) และความชันของมันที่จุดนั้น

**χ₁ = σ_w² · E[φ′(√q\\* · z)²]** โดย z ~ N(0, 1)

เป็นตัวตัดสินเฟส:

- χ₁ < 1 **เป็นระเบียบ**: c = 1 เป็นจุดดึงดูด อินพุตที่ต่างกันกลายเป็นเหมือนกัน เอาต์พุตเลิกขึ้นกับอินพุต และเกรเดียนต์หายไป
- χ₁ > 1 **โกลาหล**: c = 1 เป็นจุดผลักออก อินพุตที่เกือบเหมือนกันกลับไม่เกี่ยวข้องกันเลยในตอนท้าย (c ลดลงไปที่ค่า c\\* < 1 ค่าหนึ่ง) เอาต์พุตกระโดดไปมาแม้อินพุตเปลี่ยนเพียงนิดเดียว และเกรเดียนต์ระเบิด
- χ₁ = 1: **ขอบแห่งความโกลาหล** ที่อยู่ระหว่างสองเฟสนี้

χ₁ ยังเป็นตัวคูณที่แต่ละชั้นใช้คูณค่าเฉลี่ยกำลังสองของเกรเดียนต์ระหว่างทางย้อนกลับด้วย จึงเป็นเรื่องเดียวกับบทเรียน B: sigmoid′ ≤ 1/4 ทำให้ χ₁ ไม่เกิน σ_w²/16

เซลล์ถัดไปรัน tanh ที่มีไบแอส σ_b² = 0.05 ด้วย σ_w² สามค่า คือ 1 (เป็นระเบียบ), 1.76 (วิกฤต) และ 4 (โกลาหล) กับอินพุตสองชนิด ชนิดแรกเป็นคู่ที่เกือบเหมือนกัน (c = 0.99) อีกชนิดเป็นคู่ที่เกือบไม่เกี่ยวกัน (c = 0.2) ชนิดละแปดคู่ เส้นคือการส่งสหสัมพันธ์ตามทฤษฎี เริ่มจาก q และ c ที่คาดไว้ของชั้นแรก จุดคือค่าที่วัดได้จาก 400 หน่วย แต่ละจุดเป็นค่าเฉลี่ยของอินพุต 8 คู่ชนิดเดียวกัน ทั้งสองตรงกันในระยะราว 0.1 ในทุกชั้น`,
        vi: `
## 2. Hai đầu vào: trật tự và hỗn loạn

Một mạng còn phải giữ cho các đầu vào *khác nhau* vẫn khác nhau. Hãy đưa hai đầu vào qua cùng một mạng và theo dõi hệ số tương quan c giữa các tiền kích hoạt của chúng. Một lớp rộng cộng rất nhiều số hạng ngẫu nhiên, nên tiền kích hoạt có phân phối chuẩn, và lý thuyết trường trung bình chỉ cần theo dõi hai con số cho mỗi cặp đầu vào: độ dài q, dừng lại ở q\\*, và hệ số tương quan c, mà mỗi lớp biến đổi theo **ánh xạ tương quan** (correlation map) c ↦ C(c). Ánh xạ này luôn giữ c = 1 (hai đầu vào giống hệt nhau vẫn giống hệt nhau), và độ dốc của nó tại đó,

**χ₁ = σ_w² · E[φ′(√q\\* · z)²]**, z ~ N(0, 1),

quyết định pha:

- χ₁ < 1, **trật tự**: c = 1 là điểm hút. Các đầu vào khác nhau trở nên giống nhau, đầu ra không còn phụ thuộc vào đầu vào, và gradient biến mất.
- χ₁ > 1, **hỗn loạn**: c = 1 là điểm đẩy. Các đầu vào gần như giống nhau cuối cùng chẳng còn liên quan (c rơi về một c\\* < 1); đầu ra nhảy vọt chỉ vì đầu vào thay đổi chút ít, và gradient bùng nổ.
- χ₁ = 1: **biên hỗn loạn** nằm giữa hai pha.

χ₁ cũng là hệ số mà mỗi lớp nhân vào trung bình bình phương của gradient trên đường lan truyền ngược, nên đây cũng là câu chuyện của bài B: sigmoid′ ≤ 1/4 chặn χ₁ ở σ_w²/16.

Ô dưới đây chạy tanh với bias σ_b² = 0,05 ở ba giá trị σ_w²: 1 (trật tự), 1,76 (tới hạn) và 4 (hỗn loạn), trên hai loại cặp đầu vào: gần như giống hệt (c = 0,99) và gần như không liên quan (c = 0,2), mỗi loại tám cặp. Các đường là ánh xạ tương quan theo lý thuyết, bắt đầu từ q và c kỳ vọng của lớp đầu tiên; các điểm là giá trị đo trên 400 nơ-ron, mỗi điểm là trung bình của 8 cặp cùng loại. Chúng khớp nhau trong khoảng 0,1 ở mọi lớp.`,
      },
    ),
    ts(
      'correlation',
      `
// Eight pairs of nearly identical inputs (c = 0.99) and eight of nearly unrelated ones (c = 0.2):
// the measured c is the mean over a kind's 8 pairs, which evens out the draws of a finite layer.
const starts = [0.99, 0.2];
const pairs = tf.concat(starts.map((c, k) => inputPairs(c, 8, 20 + k)));
const sigmaB2 = 0.05;
const chaosNets = [
  { phase: 'ordered', sigmaW2: 1 },
  { phase: 'critical', sigmaW2: 1.76 },
  { phase: 'chaotic', sigmaW2: 4 },
];
const rows: { phase: string; start: string; layer: number; c: number; source: string }[] = [];
for (const { phase, sigmaW2 } of chaosNets) {
  const measured = propagate(pairs, 'tanh', sigmaW2, sigmaB2);
  starts.forEach((c0, k) => {
    const mean = (c: number[]) => c.slice(8 * k, 8 * k + 8).reduce((a, b) => a + b, 0) / 8;
    // The theory starts from the first layer's expected q and c: inputs of mean square 1 give it
    // q = σ_w² + σ_b² and c = (σ_w² c₀ + σ_b²) / (σ_w² + σ_b²).
    const q1 = sigmaW2 + sigmaB2;
    const predicted = meanField.correlationMap({ activation: 'tanh', sigmaW: Math.sqrt(sigmaW2), sigmaB: Math.sqrt(sigmaB2), q: q1, c: (sigmaW2 * c0 + sigmaB2) / q1, depth });
    const label = \`\${phase}, σ_w² = \${sigmaW2}\`;
    measured.forEach((layer, l) => rows.push({ phase: label, start: \`c₀ = \${c0}\`, layer: l + 1, c: mean(layer.c), source: 'measured' }));
    predicted.layers.forEach((step) => rows.push({ phase: label, start: \`c₀ = \${c0}\`, layer: step.layer, c: step.c!, source: 'theory' }));
    const at = [1, 5, 10, 20, 30];
    const show = (l: number) => \`\${mean(measured[l - 1].c).toFixed(3)} (\${predicted.layers[l - 1].c!.toFixed(3)})\`;
    console.log(\`tanh σ_w² = \${sigmaW2}, σ_b² = \${sigmaB2} (\${phase}), c₀ = \${c0}: measured (theory) at layers \${at.join(', ')}: \${at.map(show).join(', ')}\`);
  });
}
display({
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  title: 'Two inputs through 30 tanh layers: correlation c, measured (points) and theory (lines)',
  data: { values: rows },
  facet: { column: { field: 'phase', type: 'nominal', title: null, sort: chaosNets.map((n) => \`\${n.phase}, σ_w² = \${n.sigmaW2}\`) } },
  spec: {
    width: 220,
    height: 200,
    layer: [
      { transform: [{ filter: "datum.source === 'theory'" }], mark: 'line', encoding: { x: { field: 'layer', type: 'quantitative' }, y: { field: 'c', type: 'quantitative', scale: { domain: [0, 1] } }, color: { field: 'start', type: 'nominal', title: 'pair' } } },
      { transform: [{ filter: "datum.source === 'measured'" }], mark: { type: 'point', filled: true, size: 20 }, encoding: { x: { field: 'layer', type: 'quantitative' }, y: { field: 'c', type: 'quantitative' }, color: { field: 'start', type: 'nominal' } } },
    ],
  },
});`,
    ),
    md(
      'three-intro',
      `
## 3. Three activations, three critical points

\`meanField({ activation, sigmaW, sigmaB, depth })\` computes, for a chain of wide layers, the fixed point q\\*, χ₁, the correlation depth scale ξ_c and the depth theory expects to train. Near its fixed point c approaches c\\* as e^(−l/ξ_c), with ξ_c = −1/ln χ and χ the map's slope at c\\* (χ₁ in the ordered phase): what tells one input from another survives about ξ_c layers. Schoenholz et al. (2017) trained networks of many depths at many (σ_w², σ_b²) and found the trainable ones within about **6 ξ_c** layers. At the critical point ξ_c is infinite.

With no biases:

- **ReLU**: χ₁ = σ_w²/2 exactly, so the critical point is σ_w² = 2, **He's initialization**. ReLU has no chaotic phase: above 2, q explodes instead. Keras's default for dense layers (Glorot) gives σ_w² = 1 on square layers: χ₁ = 1/2, ordered, ξ_c = 1/ln 2 ≈ 1.44, about 9 layers.
- **tanh**: the critical point is σ_w² = 1 (Xavier on square layers), where q\\* = 0. torch's gain 5/3 (σ_w² ≈ 2.78) lies on the chaotic side: χ₁ ≈ 1.21, ξ_c ≈ 12.
- **sigmoid**: sigmoid(0) = 1/2 is not 0 and sigmoid′ ≤ 1/4, so χ₁ ≤ σ_w²/16. Its edge is far out, near σ_w² ≈ 103, where q\\* ≈ 46 and almost every unit is saturated. At σ_w² = 1, χ₁ ≈ 0.06 and ξ_c ≈ 0.35; even 4 × Xavier's std (σ_w² = 16, often advised for sigmoid) gives χ₁ ≈ 0.4 and ξ_c ≈ 1.1, about 6.5 layers: deep in the ordered phase.

The cell finds each critical point where χ₁ = 1, and prints the depth scales at the usual settings.`,
      {
        th: `
## 3. ฟังก์ชันกระตุ้นสามแบบ จุดวิกฤตสามจุด

\`meanField({ activation, sigmaW, sigmaB, depth })\` คำนวณสำหรับโครงข่ายที่ต่อชั้นกว้าง ๆ เป็นสาย ได้แก่ จุดตรึง q\\*, χ₁, สเกลความลึกของสหสัมพันธ์ ξ_c และความลึกที่ทฤษฎีคาดว่ายังฝึกได้ ใกล้จุดตรึง c เข้าหา c\\* แบบ e^(−l/ξ_c) โดย ξ_c = −1/ln χ และ χ คือความชันของการส่งนั้นที่ c\\* (ในเฟสเป็นระเบียบคือ χ₁) สิ่งที่ใช้แยกอินพุตหนึ่งออกจากอีกอินพุตหนึ่งจึงอยู่รอดได้ประมาณ ξ_c ชั้น Schoenholz และคณะ (2017) ฝึกโครงข่ายหลายความลึกที่ (σ_w², σ_b²) หลายค่า และพบว่าโครงข่ายที่ฝึกได้มีความลึกไม่เกินราว **6 ξ_c** ชั้น ที่จุดวิกฤต ξ_c เป็นอนันต์

เมื่อไม่มีไบแอส:

- **ReLU**: χ₁ = σ_w²/2 พอดี จุดวิกฤตจึงอยู่ที่ σ_w² = 2 ซึ่งก็คือ**การกำหนดค่าเริ่มต้นของ He** ReLU ไม่มีเฟสโกลาหล เมื่อเกิน 2 ค่า q จะระเบิดแทน ค่าเริ่มต้นของชั้น dense ใน Keras (Glorot) ให้ σ_w² = 1 เมื่อชั้นเป็นสี่เหลี่ยมจัตุรัส: χ₁ = 1/2 เป็นระเบียบ ξ_c = 1/ln 2 ≈ 1.44 หรือประมาณ 9 ชั้น
- **tanh**: จุดวิกฤตอยู่ที่ σ_w² = 1 (Xavier เมื่อชั้นเป็นสี่เหลี่ยมจัตุรัส) ซึ่ง q\\* = 0 ส่วน gain 5/3 ของ torch (σ_w² ≈ 2.78) อยู่ฝั่งโกลาหล: χ₁ ≈ 1.21, ξ_c ≈ 12
- **sigmoid**: sigmoid(0) = 1/2 ไม่ใช่ 0 และ sigmoid′ ≤ 1/4 ดังนั้น χ₁ ≤ σ_w²/16 ขอบของมันจึงอยู่ไกลมาก ราว σ_w² ≈ 103 ซึ่ง q\\* ≈ 46 และแทบทุกหน่วยอิ่มตัว ที่ σ_w² = 1 ได้ χ₁ ≈ 0.06 และ ξ_c ≈ 0.35 แม้จะใช้ std 4 เท่าของ Xavier (σ_w² = 16 ซึ่งมักแนะนำสำหรับ sigmoid) ก็ได้ χ₁ ≈ 0.4 และ ξ_c ≈ 1.1 หรือราว 6.5 ชั้น คืออยู่ลึกในเฟสเป็นระเบียบ

เซลล์ถัดไปหาจุดวิกฤตของแต่ละแบบที่ χ₁ = 1 และพิมพ์สเกลความลึกของการตั้งค่าที่นิยมใช้`,
        vi: `
## 3. Ba hàm kích hoạt, ba điểm tới hạn

\`meanField({ activation, sigmaW, sigmaB, depth })\` tính, cho một chuỗi lớp rộng, điểm bất động q\\*, χ₁, thang độ sâu tương quan ξ_c và độ sâu mà lý thuyết cho là còn huấn luyện được. Gần điểm bất động, c tiến về c\\* theo e^(−l/ξ_c), với ξ_c = −1/ln χ và χ là độ dốc của ánh xạ tại c\\* (trong pha trật tự chính là χ₁): thông tin phân biệt đầu vào này với đầu vào kia sống sót khoảng ξ_c lớp. Schoenholz và cộng sự (2017) huấn luyện mạng ở nhiều độ sâu với nhiều cặp (σ_w², σ_b²) và thấy các mạng học được đều sâu không quá khoảng **6 ξ_c** lớp. Tại điểm tới hạn ξ_c là vô hạn.

Khi không có bias:

- **ReLU**: χ₁ = σ_w²/2 chính xác, nên điểm tới hạn là σ_w² = 2, chính là **khởi tạo của He**. ReLU không có pha hỗn loạn: quá 2 thì q bùng nổ. Mặc định của Keras cho lớp dense (Glorot) cho σ_w² = 1 với lớp vuông: χ₁ = 1/2, trật tự, ξ_c = 1/ln 2 ≈ 1,44, khoảng 9 lớp.
- **tanh**: điểm tới hạn là σ_w² = 1 (Xavier với lớp vuông), nơi q\\* = 0. Gain 5/3 của torch (σ_w² ≈ 2,78) nằm ở phía hỗn loạn: χ₁ ≈ 1,21, ξ_c ≈ 12.
- **sigmoid**: sigmoid(0) = 1/2 khác 0 và sigmoid′ ≤ 1/4, nên χ₁ ≤ σ_w²/16. Biên của nó ở rất xa, gần σ_w² ≈ 103, nơi q\\* ≈ 46 và gần như mọi nơ-ron đều bão hòa. Ở σ_w² = 1, χ₁ ≈ 0,06 và ξ_c ≈ 0,35; ngay cả std gấp 4 lần Xavier (σ_w² = 16, thường được khuyên dùng cho sigmoid) cũng chỉ cho χ₁ ≈ 0,4 và ξ_c ≈ 1,1, khoảng 6,5 lớp: nằm sâu trong pha trật tự.

Ô dưới đây tìm điểm tới hạn của từng hàm nơi χ₁ = 1, và in thang độ sâu ở các thiết lập thường dùng.`,
      },
    ),
    ts(
      'three',
      `
// Each activation's critical point with no biases: the σ_w² where χ₁ = 1.
const critical = {
  relu: meanField.criticalPoint({ activation: 'relu' })!.sigmaW2,
  tanh: meanField.criticalPoint({ activation: 'tanh' })!.sigmaW2,
  sigmoid: meanField.criticalPoint({ activation: 'sigmoid' })!.sigmaW2,
};
for (const [activation, sigmaW2] of Object.entries(critical)) console.log(\`\${activation}: critical point at σ_b = 0: σ_w² = \${sigmaW2.toFixed(3)}\`);

// The usual settings, with no biases: q*, χ₁, the phase, ξ_c and the depth theory expects to train.
const figure = (x: number | null) => (x === null ? '–' : Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : '∞');
const usual: [string, Activation, number][] = [
  ['ReLU, He', 'relu', 2],
  ['ReLU, Glorot on square layers', 'relu', 1],
  ['tanh, Xavier on square layers', 'tanh', 1],
  ['tanh, torch’s gain 5/3', 'tanh', (5 / 3) ** 2],
  ['sigmoid, Xavier on square layers', 'sigmoid', 1],
  ['sigmoid, 4 × Xavier', 'sigmoid', 16],
  ['sigmoid at its critical point', 'sigmoid', critical.sigmoid],
];
for (const [label, activation, sigmaW2] of usual) {
  const r = meanField({ activation, sigmaW: Math.sqrt(sigmaW2), grid: false });
  console.log(\`\${label}, σ_w² = \${figure(sigmaW2)}: q* = \${figure(r.qStar)}, χ₁ = \${figure(r.chi1)}, \${r.phase}, ξ_c = \${figure(r.xiC)}, trainable to about 6 ξ_c = \${figure(r.trainableDepth)} layers\`);
}`,
    ),
    md(
      'phase-intro',
      `
## 4. The phase diagram

Displayed, a \`meanField\` result is the picture every course on the subject draws: a heatmap of ξ_c over (σ_w², σ_b²), the order/chaos boundary where χ₁ = 1, and your point on it. Move the sliders for σ_w, σ_b and the depth: the point moves, and the readout says which phase it is in and whether theory expects that depth to train. The sliders read the grid the kernel computed (the nearest cell), they do not integrate anew; a saved notebook keeps the picture at the values it ran with.

Three diagrams follow: tanh at torch's gain judged at 100 layers, ReLU at He's point, and sigmoid at 4 × Xavier's std.`,
      {
        th: `
## 4. แผนภาพเฟส

เมื่อแสดงผล ผลลัพธ์ของ \`meanField\` คือภาพที่ทุกวิชาในหัวข้อนี้วาด: heatmap ของ ξ_c บน (σ_w², σ_b²) เส้นแบ่งระหว่างความเป็นระเบียบกับความโกลาหลที่ χ₁ = 1 และจุดของเราบนภาพ ลองเลื่อนแถบเลื่อนของ σ_w, σ_b และความลึก จุดจะเคลื่อนไป และข้อความจะบอกว่าอยู่ในเฟสใด และทฤษฎีคาดว่าความลึกนั้นฝึกได้หรือไม่ แถบเลื่อนอ่านค่าจากกริดที่เคอร์เนลคำนวณไว้แล้ว (ช่องที่ใกล้ที่สุด) ไม่ได้อินทิเกรตใหม่ โน้ตบุ๊กที่บันทึกไว้จะเก็บภาพตามค่าที่ใช้รันไว้

ต่อไปนี้มีแผนภาพสามภาพ: tanh ที่ gain ของ torch ตัดสินที่ความลึก 100 ชั้น, ReLU ที่จุดของ He และ sigmoid ที่ std 4 เท่าของ Xavier`,
        vi: `
## 4. Giản đồ pha

Khi hiển thị, kết quả của \`meanField\` chính là bức hình mà mọi khóa học về chủ đề này đều vẽ: một heatmap của ξ_c trên (σ_w², σ_b²), đường ranh giới trật tự/hỗn loạn nơi χ₁ = 1, và điểm của bạn trên đó. Hãy kéo các thanh trượt σ_w, σ_b và độ sâu: điểm sẽ di chuyển, và dòng chữ cho biết nó ở pha nào và lý thuyết có cho rằng độ sâu đó huấn luyện được không. Các thanh trượt đọc lưới mà kernel đã tính (ô gần nhất), chúng không tính tích phân lại; notebook đã lưu giữ hình ở các giá trị lúc chạy.

Sau đây là ba giản đồ: tanh với gain của torch, xét ở độ sâu 100 lớp; ReLU tại điểm của He; và sigmoid với std gấp 4 lần Xavier.`,
      },
    ),
    ts(
      'phase-tanh',
      `
// tanh at torch's gain, no biases, judged at 100 layers: chaotic, and deeper than 6 ξ_c.
meanField({ activation: 'tanh', sigmaW: 5 / 3, sigmaB: 0, depth: 100, grid: { size: 30 } })`,
    ),
    ts(
      'phase-relu',
      `
// ReLU at He's σ_w² = 2: the edge itself, at any depth.
meanField({ activation: 'relu', sigmaW: Math.SQRT2, sigmaB: 0, depth: 50 })`,
    ),
    ts(
      'phase-sigmoid',
      `
// sigmoid at 4 × Xavier (σ_w² = 16), at 20 layers. Its diagram spans σ_w² up to about 400: the
// edge lies near 103. (Coarser grids than the default 40 × 40 keep the lesson quick.)
meanField({ activation: 'sigmoid', sigmaW: 4, sigmaB: 0, depth: 20, grid: { size: 20 } })`,
    ),
    md(
      'own-model-intro',
      `
## 5. Your own model

\`meanField.ofModel(model)\` reads σ_w² and σ_b² off a model you built (each dense layer's weights, biases and activation) and says where it sits and how deep theory says it can train.

The cell reads three 12-layer ReLU MLPs of width 128. The first is what \`tf.layers.dense\` builds by default: its glorotNormal kernels are truncated normal draws without the correction for the truncation, so they have 0.77 of Glorot's variance, σ_w² ≈ 0.77 on square layers: ordered, trainable to about 6 layers, and 12 is too deep. TensorFlow.js's \`heNormal\` has the same shortfall: σ_w² ≈ 1.55, still ordered, trainable to about 23 layers. InitLab's \`init.kaimingNormal\` (here through \`nn.reinit\`) draws He's variance: σ_w² ≈ 2, the edge of chaos. A finite draw lands a hair from it (1.99 here), which theory reads as barely ordered: ξ_c in the hundreds of layers, far past 12. The diagram marks that last model.`,
      {
        th: `
## 5. โมเดลของเราเอง

\`meanField.ofModel(model)\` อ่านค่า σ_w² และ σ_b² จากโมเดลที่เราสร้าง (น้ำหนัก ไบแอส และฟังก์ชันกระตุ้นของชั้น dense แต่ละชั้น) แล้วบอกว่าโมเดลอยู่ตรงไหนบนแผนภาพ และทฤษฎีบอกว่าฝึกได้ลึกแค่ไหน

เซลล์ถัดไปอ่าน MLP แบบ ReLU ลึก 12 ชั้น กว้าง 128 สามตัว ตัวแรกคือสิ่งที่ \`tf.layers.dense\` สร้างให้โดยปริยาย: เคอร์เนลแบบ glorotNormal ของมันสุ่มจากแจกแจงปกติแบบตัดปลาย (truncated) โดยไม่ได้ชดเชยการตัดปลาย ความแปรปรวนจึงเหลือเพียง 0.77 เท่าของที่ Glorot กำหนด คือ σ_w² ≈ 0.77 เมื่อชั้นเป็นสี่เหลี่ยมจัตุรัส: เป็นระเบียบ ฝึกได้ลึกราว 6 ชั้น และ 12 ชั้นลึกเกินไป \`heNormal\` ของ TensorFlow.js ก็ขาดไปแบบเดียวกัน: σ_w² ≈ 1.55 ยังเป็นระเบียบ ฝึกได้ลึกราว 23 ชั้น ส่วน \`init.kaimingNormal\` ของ InitLab (ในที่นี้ผ่าน \`nn.reinit\`) สุ่มด้วยความแปรปรวนของ He: σ_w² ≈ 2 คือขอบแห่งความโกลาหล ค่าที่สุ่มได้จริงคลาดจากจุดนั้นเล็กน้อย (ที่นี่ 1.99) ทฤษฎีจึงจัดให้อยู่ฝั่งเป็นระเบียบแบบเฉียดขอบ: ξ_c หลายร้อยชั้น เกิน 12 ชั้นไปไกลมาก แผนภาพจะทำเครื่องหมายที่โมเดลตัวสุดท้ายนี้`,
        vi: `
## 5. Mô hình của chính bạn

\`meanField.ofModel(model)\` đọc σ_w² và σ_b² từ một mô hình bạn đã dựng (trọng số, bias và hàm kích hoạt của từng lớp dense), rồi cho biết nó nằm ở đâu và lý thuyết nói nó huấn luyện được đến độ sâu nào.

Ô dưới đây đọc ba MLP ReLU sâu 12 lớp, rộng 128. Mạng đầu tiên là thứ \`tf.layers.dense\` dựng theo mặc định: kernel glorotNormal của nó lấy mẫu từ phân phối chuẩn bị cắt cụt (truncated) mà không bù cho phần bị cắt, nên phương sai chỉ bằng 0,77 của Glorot, σ_w² ≈ 0,77 với lớp vuông: trật tự, huấn luyện được khoảng 6 lớp, và 12 lớp là quá sâu. \`heNormal\` của TensorFlow.js cũng thiếu y như vậy: σ_w² ≈ 1,55, vẫn trật tự, huấn luyện được khoảng 23 lớp. \`init.kaimingNormal\` của InitLab (ở đây qua \`nn.reinit\`) lấy mẫu đúng phương sai của He: σ_w² ≈ 2, biên hỗn loạn. Một lần lấy mẫu hữu hạn lệch khỏi đó một chút (ở đây 1,99), nên lý thuyết xếp nó vào pha trật tự, nhưng sát biên: ξ_c cỡ hàng trăm lớp, vượt xa 12. Giản đồ đánh dấu mô hình cuối cùng này.`,
      },
    ),
    ts(
      'own-model',
      `
// A 12-layer ReLU MLP of width 128 as tf.layers builds it by default: glorotNormal kernels,
// zero biases.
function reluChain(kernelInitializer?: 'heNormal') {
  const model = tf.sequential();
  for (let i = 0; i < 12; i++) {
    model.add(tf.layers.dense({ units: 128, activation: 'relu', ...(i === 0 ? { inputShape: [128] } : {}), ...(kernelInitializer ? { kernelInitializer } : {}) }));
  }
  return model;
}
const byDefault = reluChain();
// TensorFlow.js's own heNormal, and InitLab's He (nn.reinit draws a copy with init.kaimingNormal).
const tfjsHe = reluChain('heNormal');
const withHe = nn.reinit(byDefault, 'kaimingNormal', { seed: 0 });
console.log(meanField.ofModel(byDefault, { grid: false }).text);
console.log(meanField.ofModel(tfjsHe, { grid: false }).text);
const withHeReport = meanField.ofModel(withHe);
// The reports keep figures only: the models can go.
[byDefault, tfjsHe, withHe].forEach((model) => model.dispose());
withHeReport`,
    ),
    md(
      'isometry-intro',
      `
## 6. Dynamical isometry: all the singular values

χ₁ = 1 makes the *mean* of the squared singular values of the input–output Jacobian J = ∂output/∂input equal to 1 at any depth: lesson A's steady std, in matrix form. A network learns through J, and learns well when every direction of its input passes with about the same gain: when all of J's singular values are near 1, J is an *isometry*. Pennington, Schoenholz and Ganguli (2017) computed the whole spectrum for wide networks: the variance of the squared singular values grows with the depth L as

**L · (μ₂/μ₁² − 1 − s₁)**,

where μ_k = E[φ′(h)^(2k)] are moments of the activation's derivative at q\\*, and s₁ = −1 for Gaussian weights, 0 for orthogonal ones. So:

- with Gaussian weights, the spread grows as L whatever the activation;
- with orthogonal weights it grows as L · (μ₂/μ₁² − 1), which vanishes when φ′ is the same at every unit: tanh with a small q\\*, where tanh is nearly linear. That is **dynamical isometry**.

\`spectrum(model, x)\` computes the Jacobian's singular values for each example. The cell measures four networks of 32 layers of width 128 at their critical points: ReLU with He's Gaussian weights and with orthogonal ones (σ_w² = 2), and tanh with Gaussian and with orthogonal weights at σ_w² = 1.05 and no biases, where q\\* ≈ 0.026 and χ₁ ≈ 1.0008. Each input is drawn at its network's q\\*, so every layer starts at the fixed point.

Each line prints the spread, var(σ²)/mean(σ²)², beside the prediction L · (μ₂/μ₁² − 1 − s₁): 2L = 64 for ReLU with Gaussian weights, L = 32 for ReLU with orthogonal weights and for tanh with Gaussian ones, and 32 · (μ₂/μ₁² − 1) ≈ 0.13 for tanh with orthogonal weights. The theory is for infinitely wide layers; at width 128, ReLU with orthogonal weights is the one that measures furthest from it.`,
      {
        th: `
## 6. ไอโซเมตรีเชิงพลวัต: ค่าเอกฐานทุกตัว

χ₁ = 1 ทำให้*ค่าเฉลี่ย*ของกำลังสองของค่าเอกฐานของเมทริกซ์จาโคเบียนจากอินพุตถึงเอาต์พุต J = ∂output/∂input เท่ากับ 1 ที่ทุกความลึก ซึ่งก็คือ std ที่คงที่ของบทเรียน A ในรูปเมทริกซ์ โครงข่ายเรียนรู้ผ่าน J และเรียนได้ดีเมื่อทุกทิศทางของอินพุตผ่านไปด้วย gain ใกล้เคียงกัน คือเมื่อค่าเอกฐานทุกตัวของ J อยู่ใกล้ 1 และ J เป็น*ไอโซเมตรี* Pennington, Schoenholz และ Ganguli (2017) คำนวณสเปกตรัมทั้งหมดของโครงข่ายที่กว้าง: ความแปรปรวนของกำลังสองของค่าเอกฐานโตตามความลึก L แบบ

**L · (μ₂/μ₁² − 1 − s₁)**

โดย μ_k = E[φ′(h)^(2k)] คือโมเมนต์ของอนุพันธ์ของฟังก์ชันกระตุ้นที่ q\\* และ s₁ = −1 สำหรับน้ำหนักแบบเกาส์เซียน และ 0 สำหรับน้ำหนักแบบ orthogonal ดังนั้น:

- เมื่อน้ำหนักเป็นแบบเกาส์เซียน ความกระจายโตตาม L ไม่ว่าฟังก์ชันกระตุ้นจะเป็นอะไร
- เมื่อน้ำหนักเป็นแบบ orthogonal ความกระจายโตตาม L · (μ₂/μ₁² − 1) ซึ่งเป็นศูนย์เมื่อ φ′ เท่ากันทุกหน่วย คือ tanh ที่ q\\* เล็ก ซึ่ง tanh เกือบเป็นเชิงเส้น นี่คือ**ไอโซเมตรีเชิงพลวัต**

\`spectrum(model, x)\` คำนวณค่าเอกฐานของจาโคเบียนสำหรับแต่ละตัวอย่าง เซลล์ถัดไปวัดโครงข่ายสี่แบบ ลึก 32 ชั้น กว้าง 128 ที่จุดวิกฤตของแต่ละแบบ: ReLU กับน้ำหนักเกาส์เซียนของ He และกับน้ำหนักแบบ orthogonal (σ_w² = 2) และ tanh กับน้ำหนักเกาส์เซียนและแบบ orthogonal ที่ σ_w² = 1.05 ไม่มีไบแอส ซึ่ง q\\* ≈ 0.026 และ χ₁ ≈ 1.0008 อินพุตแต่ละตัวสุ่มที่ q\\* ของโครงข่ายนั้น ทุกชั้นจึงเริ่มที่จุดตรึง

แต่ละบรรทัดพิมพ์ความกระจาย var(σ²)/mean(σ²)² คู่กับค่าที่ทำนาย L · (μ₂/μ₁² − 1 − s₁): 2L = 64 สำหรับ ReLU กับน้ำหนักเกาส์เซียน L = 32 สำหรับ ReLU กับน้ำหนักแบบ orthogonal และสำหรับ tanh กับน้ำหนักเกาส์เซียน และ 32 · (μ₂/μ₁² − 1) ≈ 0.13 สำหรับ tanh กับน้ำหนักแบบ orthogonal ทฤษฎีนี้ใช้กับชั้นที่กว้างไม่จำกัด ที่ความกว้าง 128 ReLU กับน้ำหนักแบบ orthogonal เป็นตัวที่วัดได้ห่างจากทฤษฎีมากที่สุด`,
        vi: `
## 6. Đẳng cự động lực: mọi giá trị kỳ dị

χ₁ = 1 làm cho *trung bình* bình phương các giá trị kỳ dị của ma trận Jacobi từ đầu vào đến đầu ra J = ∂output/∂input bằng 1 ở mọi độ sâu: đó là std ổn định của bài A, viết dưới dạng ma trận. Mạng học thông qua J, và học tốt khi mọi hướng của đầu vào đi qua với gain xấp xỉ nhau: khi mọi giá trị kỳ dị của J đều gần 1, J là một *phép đẳng cự*. Pennington, Schoenholz và Ganguli (2017) tính toàn bộ phổ cho mạng rộng: phương sai của bình phương các giá trị kỳ dị tăng theo độ sâu L như

**L · (μ₂/μ₁² − 1 − s₁)**,

trong đó μ_k = E[φ′(h)^(2k)] là các mômen của đạo hàm hàm kích hoạt tại q\\*, và s₁ = −1 với trọng số Gauss, 0 với trọng số trực giao. Vậy:

- với trọng số Gauss, độ phân tán tăng theo L dù hàm kích hoạt là gì;
- với trọng số trực giao, nó tăng theo L · (μ₂/μ₁² − 1), bằng 0 khi φ′ như nhau ở mọi nơ-ron: tanh với q\\* nhỏ, nơi tanh gần như tuyến tính. Đó là **đẳng cự động lực**.

\`spectrum(model, x)\` tính các giá trị kỳ dị của ma trận Jacobi cho từng mẫu. Ô dưới đây đo bốn mạng sâu 32 lớp, rộng 128, tại điểm tới hạn của chúng: ReLU với trọng số Gauss của He và với trọng số trực giao (σ_w² = 2), và tanh với trọng số Gauss và trực giao ở σ_w² = 1,05, không bias, nơi q\\* ≈ 0,026 và χ₁ ≈ 1,0008. Mỗi đầu vào được lấy mẫu ở q\\* của mạng đó, nên mọi lớp bắt đầu tại điểm bất động.

Mỗi dòng in độ phân tán var(σ²)/mean(σ²)² bên cạnh dự đoán L · (μ₂/μ₁² − 1 − s₁): 2L = 64 cho ReLU với trọng số Gauss, L = 32 cho ReLU với trọng số trực giao và cho tanh với trọng số Gauss, và 32 · (μ₂/μ₁² − 1) ≈ 0,13 cho tanh với trọng số trực giao. Lý thuyết dành cho các lớp rộng vô hạn; ở độ rộng 128, ReLU với trọng số trực giao là mạng đo được xa lý thuyết nhất.`,
      },
    ),
    ts(
      'spectrum',
      `
// Four networks of 32 layers of width 128 (nn.mlp: no biases, nothing after the last layer).
// Each layer's weights are √σ_w² times one shared draw, Gaussian N(0, 1/128) or orthogonal, so
// the networks differ only in the activation, σ_w² and the kind of draw.
const deepWidth = 128;
const deepLayers = 32;
const gaussianDraws = Array.from({ length: deepLayers }, (_, l) => init.normal([deepWidth, deepWidth], 0, 1 / Math.sqrt(deepWidth), { seed: 500 + l }));
const orthogonalDraws = Array.from({ length: deepLayers }, (_, l) => init.orthogonal([deepWidth, deepWidth], 1, { seed: 600 + l }));
const deepNet = (activation: 'relu' | 'tanh', draws: tf.Tensor[], sigmaW2: number) =>
  nn.mlp(Array(deepLayers + 1).fill(deepWidth), { activation, init: (_shape, layer) => tf.mul(draws[layer], Math.sqrt(sigmaW2)) });

// tanh's point, σ_w² = 1.05 with no biases: q* from the theory. ReLU at σ_w² = 2 keeps any q (take 1).
const tanhPoint = meanField({ activation: 'tanh', sigmaW: Math.sqrt(1.05), grid: false });
const tanhQ = tanhPoint.qStar!;
console.log(\`tanh, σ_w² = 1.05: q* = \${tanhQ.toFixed(4)}, χ₁ = \${tanhPoint.chi1.toFixed(4)}\`);
// Four inputs per network whose first pre-activation has mean square q: x ~ N(0, q / σ_w²).
const inputsAt = (q: number, sigmaW2: number) => init.normal([4, deepWidth], 0, Math.sqrt(q / sigmaW2), { seed: 9 });

// Pennington et al.'s spread, the variance of σ² over (mean of σ²)², is L (μ₂/μ₁² − 1 − s₁):
// s₁ = −1 for Gaussian weights, 0 for orthogonal, and μ_k = E[φ′(√q* z)^(2k)], z ~ N(0, 1),
// here by a midpoint sum over z in [−8, 8]. ReLU′ is 0 or 1, so its μ₁ = μ₂ = 1/2.
function gaussianMean(f: (z: number) => number, points = 4000) {
  let sum = 0;
  for (let i = 0; i < points; i++) {
    const z = -8 + (16 * (i + 0.5)) / points;
    sum += f(z) * Math.exp(-z * z / 2);
  }
  return (sum * 16) / points / Math.sqrt(2 * Math.PI);
}
const tanhDerivative = (x: number) => 1 / Math.cosh(x) ** 2;
const momentRatio = {
  relu: 0.5 / 0.5 ** 2,
  tanh: gaussianMean((z) => tanhDerivative(Math.sqrt(tanhQ) * z) ** 4) / gaussianMean((z) => tanhDerivative(Math.sqrt(tanhQ) * z) ** 2) ** 2,
};
const networks = [
  { label: 'ReLU, He (Gaussian)', activation: 'relu', draws: gaussianDraws, s1: -1, sigmaW2: 2, q: 1 },
  { label: 'ReLU, orthogonal', activation: 'relu', draws: orthogonalDraws, s1: 0, sigmaW2: 2, q: 1 },
  { label: 'tanh, Gaussian', activation: 'tanh', draws: gaussianDraws, s1: -1, sigmaW2: 1.05, q: tanhQ },
  { label: 'tanh, orthogonal', activation: 'tanh', draws: orthogonalDraws, s1: 0, sigmaW2: 1.05, q: tanhQ },
] as const;
const spectra = networks.map(({ label, activation, draws, s1, sigmaW2, q }) => {
  const model = deepNet(activation, [...draws], sigmaW2);
  const x = inputsAt(q, sigmaW2);
  const report = spectrum(model, x, { label });
  tf.dispose(x);
  model.dispose();
  const { meanSquared, varianceSquared, zeroShare, max } = report.summary;
  const spread = varianceSquared! / meanSquared! ** 2;
  const theory = deepLayers * (momentRatio[activation] - 1 - s1);
  console.log(\`\${label}: mean σ² \${meanSquared!.toFixed(3)}, largest σ \${max!.toFixed(2)}, \${(100 * zeroShare!).toFixed(0)}% of σ at 0; spread var(σ²)/mean(σ²)² \${spread.toPrecision(3)}, theory \${theory.toPrecision(3)}\`);
  return report;
});
tf.dispose([...gaussianDraws, ...orthogonalDraws]);
compareReports(spectra)`,
    ),
    md(
      'relu-intro',
      `
### Why ReLU cannot reach it

ReLU′ is 1 on an active unit and 0 on the others: μ₁ = μ₂ = 1/2, so μ₂/μ₁² = 2 and the spread grows as L even with orthogonal weights. Orthogonal weights rotate without stretching, but the ReLU after them passes only the directions of its active units: about half the directions are lost at every layer, and no choice of weights brings them back. The spectra above show it. With the same orthogonal weights, tanh keeps every singular value between about 0.17 and 1.4, while most of ReLU's are zero to float32's precision. (Gaussian weights squeeze some directions too, whatever the activation: a product of 32 Gaussian matrices has singular values spread over many orders of magnitude, the smallest far below float32's precision.)`,
      {
        th: `
### ทำไม ReLU ไปไม่ถึง

ReLU′ เป็น 1 ในหน่วยที่ทำงาน และเป็น 0 ในหน่วยอื่น: μ₁ = μ₂ = 1/2 ดังนั้น μ₂/μ₁² = 2 และความกระจายโตตาม L แม้น้ำหนักจะเป็นแบบ orthogonal น้ำหนักแบบ orthogonal หมุนโดยไม่ยืด แต่ ReLU ที่ตามมาปล่อยผ่านเฉพาะทิศทางของหน่วยที่ทำงาน ทิศทางราวครึ่งหนึ่งจึงหายไปในทุกชั้น และไม่มีน้ำหนักแบบใดนำมันกลับมาได้ สเปกตรัมด้านบนแสดงให้เห็น ด้วยน้ำหนักแบบ orthogonal ชุดเดียวกัน tanh รักษาค่าเอกฐานทุกตัวไว้ระหว่างราว 0.17 ถึง 1.4 ขณะที่ค่าเอกฐานของ ReLU ส่วนใหญ่เป็นศูนย์เท่าที่ความละเอียดของ float32 จะบอกได้ (น้ำหนักแบบเกาส์เซียนก็บีบบางทิศทางเช่นกัน ไม่ว่าฟังก์ชันกระตุ้นจะเป็นอะไร: ผลคูณของเมทริกซ์เกาส์เซียน 32 ตัวมีค่าเอกฐานกระจายไปหลายอันดับขนาด ตัวที่เล็กที่สุดต่ำกว่าความละเอียดของ float32 มาก)`,
        vi: `
### Vì sao ReLU không đạt được

ReLU′ bằng 1 ở nơ-ron đang hoạt động và 0 ở các nơ-ron còn lại: μ₁ = μ₂ = 1/2, nên μ₂/μ₁² = 2 và độ phân tán tăng theo L ngay cả với trọng số trực giao. Trọng số trực giao xoay mà không kéo giãn, nhưng ReLU đứng sau chỉ cho đi qua các hướng của những nơ-ron đang hoạt động: khoảng một nửa số hướng bị mất ở mỗi lớp, và không cách chọn trọng số nào đem chúng trở lại. Các phổ ở trên cho thấy điều đó. Với cùng trọng số trực giao, tanh giữ mọi giá trị kỳ dị trong khoảng 0,17 đến 1,4, còn phần lớn giá trị kỳ dị của ReLU bằng 0 trong giới hạn chính xác của float32. (Trọng số Gauss cũng ép một số hướng, dù hàm kích hoạt là gì: tích của 32 ma trận Gauss có các giá trị kỳ dị trải qua nhiều bậc độ lớn, giá trị nhỏ nhất thấp hơn nhiều so với độ chính xác của float32.)`,
      },
    ),
    md(
      'width-intro',
      `
## 7. What width does

Mean-field theory is the limit of infinite width; a finite network is a random draw around it, closer the wider it is. At initialization, width is on our side.

Training is another story. Under the **standard parametrization** (SP: every layer drawn with variance ∝ 1/fan_in, one learning rate for all), Adam moves every weight by about the learning rate whatever the width, and each unit sums \`width\` such moves: after one step the activations grow with width, and a learning rate tuned on a narrow network blows up a wide one. **μP**, the maximal update parametrization (Yang and Hu 2021; its rules for Adam and SGD in Yang et al. 2022), scales the output layer's initialization and each layer's learning rate with width so that every layer's activations move by the same amount at every width; hyperparameters tuned narrow then carry over to wide. For Adam, relative to a base width where μP and SP agree: the output layer starts at zero, and the hidden and output layers' learning rates are divided by width / base width.

\`coordCheck(width => build(width), { widths, steps, optimizer })\` is μP's *coordinate check*: it trains a network of each width for a few steps, plots each layer's activation size against width, and fits the slope of log size against log width. SP's lines climb; μP's stay flat.`,
      {
        th: `
## 7. ความกว้างทำอะไร

ทฤษฎีสนามเฉลี่ยคือลิมิตเมื่อความกว้างเป็นอนันต์ โครงข่ายจริงที่มีความกว้างจำกัดคือการสุ่มรอบ ๆ ลิมิตนั้น และยิ่งกว้างก็ยิ่งเข้าใกล้ ตอนกำหนดค่าเริ่มต้น ความกว้างจึงเป็นประโยชน์กับเรา

การฝึกเป็นอีกเรื่องหนึ่ง ภายใต้**การกำหนดพารามิเตอร์แบบมาตรฐาน** (SP: ทุกชั้นสุ่มด้วยความแปรปรวน ∝ 1/fan_in และใช้อัตราการเรียนรู้เดียวกันทั้งหมด) Adam ขยับน้ำหนักทุกตัวไปประมาณเท่ากับอัตราการเรียนรู้ไม่ว่าความกว้างจะเป็นเท่าไร และแต่ละหน่วยรวมการขยับแบบนั้น \`width\` ครั้ง หลังก้าวแรกค่ากระตุ้นจึงโตตามความกว้าง และอัตราการเรียนรู้ที่ปรับมาดีบนโครงข่ายแคบจะทำให้โครงข่ายกว้างระเบิด **μP** หรือ maximal update parametrization (Yang และ Hu 2021 ส่วนกฎสำหรับ Adam และ SGD อยู่ใน Yang และคณะ 2022) ปรับสเกลค่าเริ่มต้นของชั้นเอาต์พุตและอัตราการเรียนรู้ของแต่ละชั้นตามความกว้าง เพื่อให้ค่ากระตุ้นของทุกชั้นขยับเท่ากันในทุกความกว้าง ไฮเปอร์พารามิเตอร์ที่ปรับบนโครงข่ายแคบจึงใช้กับโครงข่ายกว้างได้เลย สำหรับ Adam เมื่อเทียบกับความกว้างฐานที่ μP และ SP ตรงกัน: ชั้นเอาต์พุตเริ่มที่ศูนย์ และอัตราการเรียนรู้ของชั้นซ่อนและชั้นเอาต์พุตถูกหารด้วย ความกว้าง / ความกว้างฐาน

\`coordCheck(width => build(width), { widths, steps, optimizer })\` คือ *coordinate check* ของ μP: มันฝึกโครงข่ายแต่ละความกว้างไม่กี่ก้าว วาดขนาดของค่ากระตุ้นแต่ละชั้นเทียบกับความกว้าง และหาความชันของ log ขนาดเทียบกับ log ความกว้าง เส้นของ SP ไต่ขึ้น ส่วนของ μP ราบ`,
        vi: `
## 7. Độ rộng làm gì

Lý thuyết trường trung bình là giới hạn khi độ rộng vô hạn; một mạng thật có độ rộng hữu hạn là một lần lấy mẫu quanh giới hạn đó, càng rộng càng gần. Lúc khởi tạo, độ rộng đứng về phía ta.

Huấn luyện lại là chuyện khác. Với **cách tham số hóa chuẩn** (SP: mọi lớp lấy mẫu với phương sai ∝ 1/fan_in, một tốc độ học chung cho tất cả), Adam dịch mỗi trọng số đi khoảng bằng tốc độ học dù độ rộng là bao nhiêu, và mỗi nơ-ron cộng \`width\` lần dịch như thế: sau một bước, giá trị kích hoạt tăng theo độ rộng, và một tốc độ học chỉnh trên mạng hẹp sẽ làm mạng rộng bùng nổ. **μP**, maximal update parametrization (Yang và Hu 2021; quy tắc cho Adam và SGD trong Yang và cộng sự 2022), co giãn khởi tạo của lớp đầu ra và tốc độ học của từng lớp theo độ rộng để giá trị kích hoạt của mọi lớp dịch chuyển như nhau ở mọi độ rộng; siêu tham số chỉnh trên mạng hẹp khi đó dùng được cho mạng rộng. Với Adam, so với một độ rộng gốc nơi μP và SP trùng nhau: lớp đầu ra bắt đầu từ 0, và tốc độ học của các lớp ẩn và lớp đầu ra được chia cho độ rộng / độ rộng gốc.

\`coordCheck(width => build(width), { widths, steps, optimizer })\` là *coordinate check* của μP: nó huấn luyện một mạng ở mỗi độ rộng trong vài bước, vẽ độ lớn giá trị kích hoạt của từng lớp theo độ rộng, và khớp độ dốc của log độ lớn theo log độ rộng. Các đường của SP leo lên; của μP nằm ngang.`,
      },
    ),
    ts(
      'width-sp',
      `
// One MLP, 16 → width → width → 10 with ReLU and He's weights, at five widths, each trained
// 2 steps of Adam (lr 0.01) on one batch; sizes are mean |x| of each layer's output, over 2 seeds.
// First the standard parametrization: the model as nn.mlp draws it, one learning rate for all.
const widths = [64, 128, 256, 512, 1024];
const slopes = (report: CoordCheckReport, step: number) =>
  report.fits.filter((f) => f.step === step).map((f) => \`\${f.layer} \${f.slope === null ? '—' : f.slope.toFixed(2)}\`).join(', ');
const standard = coordCheck((w, seed) => nn.mlp([16, w, w, 10], { seed }), { widths, steps: 2 });
console.log(\`standard: slope of log size against log width at step 0: \${slopes(standard, 0)}\`);
console.log(\`standard: at step 1: \${slopes(standard, 1)}\`);
standard`,
    ),
    ts(
      'width-mup',
      `
// The same network in μP, which is the standard parametrization at width 64 (baseWidth): the
// output layer starts at zero, and under Adam the hidden and output layers' learning rates are
// divided by width / 64 (Tensor Programs V's table for Adam).
const muParametrized = coordCheck((w, seed) => muP.mlp({ inputs: 16, width: w, outputs: 10, baseWidth: 64, seed }), { widths, steps: 2 });
console.log(\`μP: at step 1: \${slopes(muParametrized, 1)}\`);
console.log(\`μP: at step 2: \${slopes(muParametrized, 2)}\`);
muParametrized`,
    ),
    md(
      'summary',
      `
## What to remember

- The std per layer (lessons A–C) is the first chapter of a longer story. χ₁ = σ_w² E[φ′²] decides order or chaos, how the gradient grows per layer, and how deep a network trains: about 6 ξ_c layers.
- He's σ_w² = 2 is ReLU's edge of chaos; tanh's is σ_w² = 1 without biases; sigmoid's is far out (σ_w² ≈ 103), in saturation.
- At the edge the Jacobian's mean squared singular value is 1, but its spread still grows with depth unless the weights are orthogonal and the activation is nearly linear around q\\*: tanh can be an isometry, ReLU cannot.
- Width brings a network closer to the theory at initialization; under SP it also makes the first steps larger with width, and μP undoes that.
- Further: for convolutions, \`init.deltaOrthogonal\` (Xiao et al. 2018) puts an orthogonal matrix at each kernel's centre tap and zeros elsewhere, so a deep CNN starts as a chain of orthogonal maps, the same isometry (its authors trained plain tanh CNNs of 10,000 layers). \`nn.reinit(model, scheme)\` also has \`'zerO'\`, \`'fixup'\`, \`'metaInit'\` and \`'gradInit'\`, which start deep networks well by other routes.`,
      {
        th: `
## สิ่งที่ควรจำ

- std ต่อชั้น (บทเรียน A ถึง C) เป็นเพียงบทแรกของเรื่องที่ยาวกว่านั้น χ₁ = σ_w² E[φ′²] ตัดสินว่าเป็นระเบียบหรือโกลาหล เกรเดียนต์โตอย่างไรต่อชั้น และโครงข่ายฝึกได้ลึกแค่ไหน: ราว 6 ξ_c ชั้น
- σ_w² = 2 ของ He คือขอบแห่งความโกลาหลของ ReLU ของ tanh คือ σ_w² = 1 เมื่อไม่มีไบแอส ของ sigmoid อยู่ไกลมาก (σ_w² ≈ 103) ในย่านอิ่มตัว
- ที่ขอบนั้น ค่าเฉลี่ยกำลังสองของค่าเอกฐานของจาโคเบียนเป็น 1 แต่ความกระจายยังโตตามความลึก เว้นแต่น้ำหนักจะเป็นแบบ orthogonal และฟังก์ชันกระตุ้นเกือบเป็นเชิงเส้นรอบ q\\*: tanh เป็นไอโซเมตรีได้ ReLU เป็นไม่ได้
- ความกว้างทำให้โครงข่ายใกล้ทฤษฎีมากขึ้นตอนเริ่มต้น แต่ภายใต้ SP ก็ทำให้ก้าวแรก ๆ ใหญ่ขึ้นตามความกว้างด้วย และ μP แก้ข้อนี้
- ไปต่อ: สำหรับคอนโวลูชัน \`init.deltaOrthogonal\` (Xiao และคณะ 2018) วางเมทริกซ์ orthogonal ไว้ที่จุดกึ่งกลางของเคอร์เนลและเป็นศูนย์ที่อื่น CNN ที่ลึกจึงเริ่มต้นเป็นสายของการแปลงแบบ orthogonal ได้ไอโซเมตรีแบบเดียวกัน (ผู้เขียนฝึก CNN แบบ tanh ธรรมดาลึก 10,000 ชั้นได้) ส่วน \`nn.reinit(model, scheme)\` ยังมี \`'zerO'\`, \`'fixup'\`, \`'metaInit'\` และ \`'gradInit'\` ซึ่งเริ่มโครงข่ายลึกให้ดีด้วยวิธีอื่น`,
        vi: `
## Điều cần nhớ

- std ở mỗi lớp (bài A đến C) chỉ là chương đầu của một câu chuyện dài hơn. χ₁ = σ_w² E[φ′²] quyết định trật tự hay hỗn loạn, gradient tăng thế nào qua mỗi lớp, và mạng huấn luyện được sâu đến đâu: khoảng 6 ξ_c lớp.
- σ_w² = 2 của He là biên hỗn loạn của ReLU; của tanh là σ_w² = 1 khi không có bias; của sigmoid ở rất xa (σ_w² ≈ 103), trong vùng bão hòa.
- Tại biên, trung bình bình phương giá trị kỳ dị của ma trận Jacobi bằng 1, nhưng độ phân tán vẫn tăng theo độ sâu trừ khi trọng số trực giao và hàm kích hoạt gần như tuyến tính quanh q\\*: tanh có thể là một phép đẳng cự, ReLU thì không.
- Độ rộng đưa mạng đến gần lý thuyết hơn lúc khởi tạo; với SP nó cũng làm các bước đầu lớn dần theo độ rộng, và μP sửa điều đó.
- Xa hơn: với tích chập, \`init.deltaOrthogonal\` (Xiao và cộng sự 2018) đặt một ma trận trực giao ở tâm của mỗi nhân và số 0 ở mọi chỗ khác, nên một CNN sâu bắt đầu như một chuỗi phép biến đổi trực giao, cùng kiểu đẳng cự đó (các tác giả đã huấn luyện CNN tanh thuần sâu 10.000 lớp). \`nn.reinit(model, scheme)\` còn có \`'zerO'\`, \`'fixup'\`, \`'metaInit'\` và \`'gradInit'\`, khởi đầu mạng sâu tốt bằng những con đường khác.`,
      },
    ),
  ],
};
