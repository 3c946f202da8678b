/** Function words, used to find a question's key terms and to tell Indonesian from English. */
export const INDONESIAN_STOPWORDS = new Set(
  `yang dan di ke dari ini itu dengan untuk pada adalah dalam tidak akan juga atau oleh sebagai karena bahwa
  ada para sebuah seorang telah sudah saat ia mereka kami kita anda dia nya tersebut bisa dapat lebih antara
  apa siapa kapan mana dimana berapa bagaimana mengapa kenapa apakah manakah bila jika hingga sampai selama
  setelah sebelum tentang terhadap serta namun tetapi jadi maka agar supaya masih pun lah kah saja hanya
  sangat telah belum pernah harus perlu ya tak bukan yaitu yakni secara tiap setiap semua beberapa banyak
  sejak lalu kemudian sedang oleh atas bagi per se sebut disebut merupakan menjadi jadi the`.split(/\s+/),
);

export const ENGLISH_STOPWORDS = new Set(
  `the a an and or but of to in on at by for with from as is are was were be been being this that these those
  it its they them their he she his her we you i what who whom whose which when where why how does do did
  done has have had will would can could should may might must not no yes than then there here about into
  over after before during between also any all some such only just very more most other so if while whose
  up down out off again further once both each few own same too s t don doesn didn isn aren wasn weren`.split(/\s+/),
);

/** Question words take the particles -kah/-lah ("siapakah", "dimanakah"): still function words. */
const PARTICLE = /(kah|lah)$/;

export function isStopword(token: string): boolean {
  if (INDONESIAN_STOPWORDS.has(token) || ENGLISH_STOPWORDS.has(token)) return true;
  const bare = token.replace(PARTICLE, '');
  return bare !== token && bare.length > 1 && INDONESIAN_STOPWORDS.has(bare);
}
