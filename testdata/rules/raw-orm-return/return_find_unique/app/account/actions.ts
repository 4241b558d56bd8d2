"use server";

import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

export async function getProfile() {
  const user = await requireUser();
  return prisma.user.findUnique({ where: { id: user.id } }); // want "raw-orm-return"
}
