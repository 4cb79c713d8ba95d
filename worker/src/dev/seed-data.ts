/** Demo people for a living local platform. Every demo account shares DEMO_PASSWORD. */
export const DEMO_PASSWORD = "atas-demo-2026";

export const ADMIN = { email: "admin@atas.dev", displayName: "ATAS Admin" };

export const EXPERTS: {
  name: string;
  headline: string;
  company: string;
  industry: string;
  skills: string[];
  topics: string[];
  years: number;
  zone: string;
}[] = [
  { name: "Aisyah Rahman", headline: "Staff Engineer, Payments", company: "Grab", industry: "Fintech", skills: ["distributed systems", "go", "payments"], topics: ["scaling payments", "career in fintech"], years: 12, zone: "Asia/Kuala_Lumpur" },
  { name: "Tan Wei Jie", headline: "Head of Data Science", company: "Maybank", industry: "Banking", skills: ["machine learning", "python", "risk models"], topics: ["data science careers", "credit risk"], years: 14, zone: "Asia/Kuala_Lumpur" },
  { name: "Priya Nair", headline: "Product Director", company: "Shopee", industry: "E-commerce", skills: ["product management", "growth", "experimentation"], topics: ["breaking into product", "a/b testing"], years: 11, zone: "Asia/Singapore" },
  { name: "Muhammad Hafiz", headline: "Reservoir Engineer", company: "Petronas", industry: "Energy", skills: ["reservoir simulation", "matlab", "geoscience"], topics: ["energy transition", "engineering careers"], years: 16, zone: "Asia/Kuala_Lumpur" },
  { name: "Lim Mei Ling", headline: "Design Lead", company: "Carsome", industry: "Automotive", skills: ["ux research", "figma", "design systems"], topics: ["portfolio reviews", "design thinking"], years: 9, zone: "Asia/Kuala_Lumpur" },
  { name: "Rajesh Kumar", headline: "Principal Security Architect", company: "DBS", industry: "Banking", skills: ["security", "cloud", "threat modelling"], topics: ["cybersecurity careers", "secure coding"], years: 18, zone: "Asia/Singapore" },
  { name: "Nurul Izzah", headline: "Senior Flight Operations Engineer", company: "AirAsia", industry: "Aviation", skills: ["operations research", "python", "scheduling"], topics: ["aviation analytics", "women in engineering"], years: 10, zone: "Asia/Kuala_Lumpur" },
  { name: "Chen Jia Hui", headline: "Engineering Manager, Games", company: "Sea", industry: "Gaming", skills: ["unity", "c#", "team leadership"], topics: ["game development", "engineering management"], years: 13, zone: "Asia/Singapore" },
  { name: "Daniel Wong", headline: "Venture Partner", company: "Gobi Partners", industry: "Venture Capital", skills: ["fundraising", "due diligence", "startups"], topics: ["pitching to investors", "startup funding"], years: 15, zone: "Asia/Kuala_Lumpur" },
  { name: "Siti Aminah", headline: "Clinical Data Lead", company: "KPJ Healthcare", industry: "Healthcare", skills: ["clinical data", "sql", "health informatics"], topics: ["healthtech", "data privacy in health"], years: 12, zone: "Asia/Kuala_Lumpur" },
  { name: "Arjun Menon", headline: "Chip Design Engineer", company: "Intel Penang", industry: "Semiconductors", skills: ["vlsi", "verilog", "verification"], topics: ["semiconductor careers", "chip design"], years: 11, zone: "Asia/Kuala_Lumpur" },
  { name: "Sarah Lee", headline: "Management Consultant", company: "McKinsey & Company", industry: "Consulting", skills: ["strategy", "case interviews", "storytelling"], topics: ["case interview prep", "consulting careers"], years: 8, zone: "Asia/Singapore" },
  { name: "Farid Ismail", headline: "Sustainability Director", company: "Sime Darby Plantation", industry: "Sustainability", skills: ["esg reporting", "carbon accounting", "policy"], topics: ["esg careers", "climate action"], years: 15, zone: "Asia/Kuala_Lumpur" },
  { name: "Goh Kai Xuan", headline: "Senior Software Engineer", company: "Google", industry: "Technology", skills: ["kubernetes", "java", "system design"], topics: ["tech interviews", "open source"], years: 9, zone: "Asia/Singapore" },
  { name: "Anita Devi", headline: "Logistics Operations Head", company: "Ninja Van", industry: "Logistics", skills: ["supply chain", "operations", "lean"], topics: ["last-mile logistics", "operations careers"], years: 13, zone: "Asia/Kuala_Lumpur" },
  { name: "Zhang Wei", headline: "Quant Researcher", company: "Jane Street", industry: "Finance", skills: ["statistics", "ocaml", "trading"], topics: ["quant careers", "probability puzzles"], years: 7, zone: "Asia/Hong_Kong" },
  { name: "Hannah Tan", headline: "Editor-in-Chief", company: "Astro", industry: "Media", skills: ["journalism", "content strategy", "video"], topics: ["careers in media", "storytelling"], years: 17, zone: "Asia/Kuala_Lumpur" },
  { name: "Kavitha Subramaniam", headline: "Legal Counsel, Technology", company: "Axiata", industry: "Telecommunications", skills: ["tech law", "contracts", "privacy"], topics: ["law and technology", "pdpa compliance"], years: 12, zone: "Asia/Kuala_Lumpur" },
  { name: "Ong Boon Hock", headline: "Founder & CEO", company: "StoreHub", industry: "Technology", skills: ["entrepreneurship", "sales", "saas"], topics: ["founding a startup", "b2b saas"], years: 14, zone: "Asia/Kuala_Lumpur" },
  { name: "Amirah Yusof", headline: "Machine Learning Engineer", company: "Microsoft", industry: "Technology", skills: ["deep learning", "pytorch", "mlops"], topics: ["ai careers", "responsible ai"], years: 6, zone: "Asia/Singapore" },
  { name: "Lee Chong Wei", headline: "Sports Science Consultant", company: "National Sports Institute", industry: "Sports", skills: ["sports science", "coaching", "analytics"], topics: ["sports analytics", "high performance"], years: 20, zone: "Asia/Kuala_Lumpur" },
  { name: "Nadia Karim", headline: "Brand Marketing Manager", company: "Nestlé Malaysia", industry: "Consumer Goods", skills: ["brand strategy", "marketing", "consumer insight"], topics: ["marketing careers", "building a brand"], years: 10, zone: "Asia/Kuala_Lumpur" },
  { name: "Vincent Loh", headline: "Civil Engineer, Rail", company: "MRT Corp", industry: "Infrastructure", skills: ["structural engineering", "project management", "bim"], topics: ["infrastructure projects", "professional engineer path"], years: 19, zone: "Asia/Kuala_Lumpur" },
  { name: "Grace Lim", headline: "Biotech Research Scientist", company: "Duopharma Biotech", industry: "Biotech", skills: ["molecular biology", "lab automation", "regulatory"], topics: ["research careers", "biotech in asia"], years: 11, zone: "Asia/Kuala_Lumpur" },
];

export const STUDENT_CAMPUSES: { campusId: string; domain: string }[] = [
  { campusId: "um", domain: "siswa.um.edu.my" },
  { campusId: "nus", domain: "u.nus.edu" },
  { campusId: "ukm", domain: "siswa.ukm.edu.my" },
  { campusId: "taylors", domain: "sd.taylors.edu.my" },
  { campusId: "ntu", domain: "e.ntu.edu.sg" },
];

const GIVEN = ["Aiman", "Mei", "Arif", "Hui Min", "Kumar", "Farah", "Jun", "Alya", "Ravi", "Xin Yi", "Irfan", "Shu Fen", "Danish", "Yasmin", "Kelvin", "Nisha", "Haziq", "Ying", "Adam", "Sofia", "Ethan", "Balqis", "Jason", "Hana", "Wei Lun"];
const FAMILY = ["Abdullah", "Tan", "Lim", "Ng", "Raj", "Ismail", "Wong", "Chong", "Pillai", "Ahmad"];
const MAJORS = ["Computer Science", "Economics", "Mechanical Engineering", "Business Analytics", "Biomedical Science", "Law", "Architecture", "Mass Communication", "Accounting", "Data Science"];
const INTERESTS = ["ai", "startups", "fintech", "design", "sustainability", "robotics", "marketing", "gaming", "public policy", "photography", "music", "badminton"];

export function demoStudents() {
  return Array.from({ length: 50 }, (_, i) => {
    const campus = STUDENT_CAMPUSES[i % STUDENT_CAMPUSES.length] ?? STUDENT_CAMPUSES[0];
    const n = String(i + 1).padStart(2, "0");
    return {
      email: `student${n}@${campus?.domain}`,
      displayName: `${GIVEN[i % GIVEN.length]} ${FAMILY[(i * 7) % FAMILY.length]}`,
      campusId: campus?.campusId ?? "um",
      major: MAJORS[i % MAJORS.length] ?? "Computer Science",
      year: (i % 4) + 1,
      interests: [INTERESTS[i % INTERESTS.length] ?? "ai", INTERESTS[(i + 5) % INTERESTS.length] ?? "startups"],
    };
  });
}

export const CLUBS = [
  { email: "club.computing@siswa.um.edu.my", name: "UM Computing Society", campusId: "um", description: "Hackathons, tech talks and mentoring for UM students who build.", officerIndexes: [0, 5] },
  { email: "club.entrepreneurs@u.nus.edu", name: "NUS Entrepreneurship Society", campusId: "nus", description: "Helping NUS students start companies: founder talks, pitch nights and the startup fair.", officerIndexes: [1, 6] },
  { email: "club.women-in-stem@siswa.ukm.edu.my", name: "UKM Women in STEM", campusId: "ukm", description: "A community for women in science and engineering at UKM: workshops, mentors and role models.", officerIndexes: [2, 7] },
];
