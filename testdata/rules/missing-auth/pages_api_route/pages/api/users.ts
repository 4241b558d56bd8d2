import type { NextApiRequest, NextApiResponse } from "next";
import { prisma } from "@/lib/db";

export default async function handler(req: NextApiRequest, res: NextApiResponse) { // want "missing-auth"
  await prisma.user.delete({ where: { id: String(req.query.id) } });
  res.status(204).end();
}
