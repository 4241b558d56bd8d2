"use server";

import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

// User has passwordHash (prisma/schema.prisma): the finding is an error and names it.
export async function getProfile() {
  const user = await requireUser();
  return prisma.user.findUnique({ where: { id: user.id } }); // want "raw-orm-return:error"
}
